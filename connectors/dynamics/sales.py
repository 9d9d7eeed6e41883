"""Opportunities, products and invoices: the Dynamics 365 Sales tables.

https://learn.microsoft.com/dynamics365/developer/reference/entities/opportunity
https://learn.microsoft.com/dynamics365/developer/reference/entities/product
https://learn.microsoft.com/dynamics365/developer/reference/entities/invoice
"""

from connectors.dynamics.entities import (
    CAPABILITIES,
    LABELS,
    SYSTEM_TIMES,
    Entity,
    associations,
    lookup,
)
from connectors.sdk import Field, Mapping, ObjectSpec, Option
from connectors.sdk import FieldType as T
from connectors.sdk.spec import Direction

_DEAL_ACCOUNT = lookup("parentaccountid", accounts=("account", "parentaccountid"))
_DEAL_CONTACT = lookup("parentcontactid", contacts=("contact", "parentcontactid"))

SALES_STAGES = (Option("0", "Qualify"), Option("1", "Develop"), Option("2", "Propose"),
                Option("3", "Close"))

OPPORTUNITIES = Entity(
    spec=ObjectSpec(
        name="opportunities",
        label="Opportunities",
        hub_object="deal",
        fields=(
            Field("name", "Topic"),
            Field("estimatedvalue", "Est. Revenue", T.NUMBER),
            Field("estimatedclosedate", "Est. Close Date", T.DATE),
            Field("closeprobability", "Probability", T.NUMBER),
            Field("salesstage", "Sales Stage", T.ENUMERATION, options=SALES_STAGES),
            Field("stepname", "Pipeline Phase"),
            Field("description", "Description", T.TEXTAREA),
            # Won/lost is set by the WinOpportunity/LoseOpportunity actions, not a PATCH.
            Field("statecode", "Status", T.ENUMERATION, read_only=True, options=(
                Option("0", "Open"), Option("1", "Won"), Option("2", "Lost"))),
            *SYSTEM_TIMES,
        ),
        default_mappings=(
            Mapping("name", "dealname", required=True),
            Mapping("estimatedvalue", "amount"),
            Mapping("estimatedclosedate", "closedate"),
            Mapping("description", "description"),
        ),
        capabilities=CAPABILITIES,
        associations=associations(_DEAL_ACCOUNT, _DEAL_CONTACT, labels=LABELS),
    ),
    logical_name="opportunity",
    primary_id="opportunityid",
    lookups=(_DEAL_ACCOUNT, _DEAL_CONTACT),
)

PRODUCTS = Entity(
    spec=ObjectSpec(
        name="products",
        label="Products",
        hub_object="product",
        fields=(
            Field("name", "Name"),
            Field("productnumber", "Product ID"),
            Field("price", "List Price", T.NUMBER),
            Field("standardcost", "Standard Cost", T.NUMBER),
            Field("currentcost", "Current Cost", T.NUMBER),
            Field("quantitydecimal", "Decimals Supported", T.NUMBER),
            Field("description", "Description", T.TEXTAREA),
            *SYSTEM_TIMES,
        ),
        # Product ID is unique in Dataverse: the product's SKU. Name second.
        identifiers=(("sku", "productnumber"), ("name", "name")),
        default_mappings=(
            Mapping("name", "name", required=True),
            Mapping("productnumber", "hs_sku"),
            Mapping("price", "price"),
            Mapping("standardcost", "hs_cost_of_goods_sold"),
            Mapping("description", "description"),
        ),
        capabilities=CAPABILITIES,
    ),
    logical_name="product",
    primary_id="productid",
)

_INVOICE_CONTACT = lookup("customerid", contacts=("contact", "customerid_contact"))

INVOICES = Entity(
    spec=ObjectSpec(
        name="invoices",
        label="Invoices",
        hub_object="invoice",
        fields=(
            Field("name", "Name"),
            # Dataverse numbers invoices itself (auto-number); the total is the sum
            # of the invoice's lines, computed by the platform.
            Field("invoicenumber", "Invoice ID", read_only=True),
            Field("totalamount", "Total Amount", T.NUMBER, read_only=True),
            Field("duedate", "Due Date", T.DATE),
            Field("datedelivered", "Date Delivered", T.DATE),
            Field("description", "Description", T.TEXTAREA),
            Field("statecode", "Status", T.ENUMERATION, read_only=True, options=(
                Option("0", "Active"), Option("1", "Closed"), Option("2", "Paid"),
                Option("3", "Canceled"))),
            *SYSTEM_TIMES,
        ),
        default_mappings=(
            Mapping("name", "hs_invoice_number", required=True),
            Mapping("totalamount", "hs_amount_billed", direction=Direction.TO_HUB),
            Mapping("duedate", "hs_due_date"),
        ),
        capabilities=CAPABILITIES,
        # The product associates invoices to contacts only (DESIGN: Associations).
        associations=associations(_INVOICE_CONTACT, labels=LABELS),
    ),
    logical_name="invoice",
    primary_id="invoiceid",
    lookups=(_INVOICE_CONTACT,),
)
