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
from connectors.sdk.text import _

_DEAL_ACCOUNT = lookup("parentaccountid", accounts=("account", "parentaccountid"))
_DEAL_CONTACT = lookup("parentcontactid", contacts=("contact", "parentcontactid"))

SALES_STAGES = (Option("0", _("Qualify")), Option("1", _("Develop")), Option("2", _("Propose")),
                Option("3", _("Close")))

OPPORTUNITIES = Entity(
    spec=ObjectSpec(
        name="opportunities",
        label=_("Opportunities"),
        hub_object="deal",
        fields=(
            Field("name", _("Topic")),
            Field("estimatedvalue", _("Est. Revenue"), T.NUMBER),
            Field("estimatedclosedate", _("Est. Close Date"), T.DATE),
            Field("closeprobability", _("Probability"), T.NUMBER),
            Field("salesstage", _("Sales Stage"), T.ENUMERATION, options=SALES_STAGES),
            Field("stepname", _("Pipeline Phase")),
            Field("description", _("Description"), T.TEXTAREA),
            # Won/lost is set by the WinOpportunity/LoseOpportunity actions, not a PATCH.
            Field("statecode", _("Status"), T.ENUMERATION, read_only=True, options=(
                Option("0", _("Open")), Option("1", _("Won")), Option("2", _("Lost")))),
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
        label=_("Products"),
        hub_object="product",
        fields=(
            Field("name", _("Name")),
            Field("productnumber", _("Product ID")),
            Field("price", _("List Price"), T.NUMBER),
            Field("standardcost", _("Standard Cost"), T.NUMBER),
            Field("currentcost", _("Current Cost"), T.NUMBER),
            Field("quantitydecimal", _("Decimals Supported"), T.NUMBER),
            Field("description", _("Description"), T.TEXTAREA),
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
        label=_("Invoices"),
        hub_object="invoice",
        fields=(
            Field("name", _("Name")),
            # Dataverse numbers invoices itself (auto-number); the total is the sum
            # of the invoice's lines, computed by the platform.
            Field("invoicenumber", _("Invoice ID"), read_only=True),
            Field("totalamount", _("Total Amount"), T.NUMBER, read_only=True),
            Field("duedate", _("Due Date"), T.DATE),
            Field("datedelivered", _("Date Delivered"), T.DATE),
            Field("description", _("Description"), T.TEXTAREA),
            Field("statecode", _("Status"), T.ENUMERATION, read_only=True, options=(
                Option("0", _("Active")), Option("1", _("Closed")), Option("2", _("Paid")),
                Option("3", _("Canceled")))),
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
