"""The CRM record objects: contacts, companies, deals, products, tickets, line items.

Field names are HubSpot's internal property names; the hub's default properties
were modelled on HubSpot's, so most default mappings pair equal names.
https://knowledge.hubspot.com/properties/hubspots-default-contact-properties
"""

from connectors.sdk import (
    AssociationSpec,
    Capabilities,
    Field,
    Mapping,
    ObjectSpec,
    Option,
)
from connectors.sdk import FieldType as T
from connectors.sdk.spec import Direction
from connectors.sdk.text import _, pgettext

# No conditional_writes: HubSpot's CRM API offers no precondition on an update (no
# ETag, no If-Match, nothing in batch/update), so a record edited in HubSpot after our
# read is overwritten there; its change still comes back through the change feed.
# 100 inputs per batch request; 10 requests a second is the budget's pace, and a
# batch takes HubSpot a few hundred ms, so several batches are in flight at once.
CAPABILITIES = Capabilities(
    incremental="modified_time", deleted_records=True, batch_write=True, batch_size=100,
    concurrent_requests=4,
)


def options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(value, label) for value, label in pairs)


def same_names(*names: str, required: tuple[str, ...] = ()) -> tuple[Mapping, ...]:
    """Default mappings where the HubSpot property and the hub property share a name."""
    return tuple(Mapping(name, name, required=name in required) for name in names)


def timestamps(modified: str = "hs_lastmodifieddate", created: str = "createdate"):
    return (
        Field(created, _("Create date"), T.DATETIME, read_only=True),
        Field(modified, _("Last modified date"), T.DATETIME, read_only=True),
    )


OWNER = Field("hubspot_owner_id", _("Owner"), T.OWNER)

LIFECYCLE = options(
    ("subscriber", _("Subscriber")), ("lead", _("Lead")),
    ("marketingqualifiedlead", _("Marketing qualified lead")),
    ("salesqualifiedlead", _("Sales qualified lead")), ("opportunity", _("Opportunity")),
    ("customer", _("Customer")), ("evangelist", _("Evangelist")), ("other", _("Other")),
)

_ADDRESS = (
    Field("address", _("Street address")), Field("city", _("City")),
    Field("state", _("State/Region")), Field("zip", _("Postal code")),
    Field("country", _("Country/Region")),
)

CONTACTS = ObjectSpec(
    name="contacts", label=_("Contacts"), hub_object="contact",
    fields=(
        Field("email", _("Email"), T.EMAIL),
        Field("firstname", _("First name")), Field("lastname", _("Last name")),
        Field("phone", _("Phone number"), T.PHONE),
        Field("mobilephone", _("Mobile phone number"), T.PHONE),
        Field("company", _("Company name")), Field("jobtitle", _("Job title")),
        Field("website", _("Website URL"), T.URL), *_ADDRESS,
        Field("lifecyclestage", _("Lifecycle stage"), T.ENUMERATION, options=LIFECYCLE),
        Field("date_of_birth", _("Date of birth"), T.DATE),
        # Opt-out is managed by HubSpot's subscription tools, not by property writes.
        Field("hs_email_optout", _("Unsubscribed from all email"), T.BOOLEAN, read_only=True),
        OWNER, *timestamps("lastmodifieddate"),
    ),
    identifiers=(("email", "email"),),
    default_mappings=(
        *same_names("email", "firstname", "lastname", "phone", "mobilephone", "company",
                    "jobtitle", "website", "address", "city", "state", "zip", "country",
                    "lifecyclestage", "date_of_birth", required=("email",)),
        Mapping("hs_email_optout", "hs_email_optout", Direction.TO_HUB),
    ),
    capabilities=CAPABILITIES,
    associations=(AssociationSpec("companies", _("Company")),),
)

INDUSTRIES = options(
    ("COMPUTER_SOFTWARE", _("Computer Software")), ("RETAIL", _("Retail")),
    ("FINANCIAL_SERVICES", _("Financial Services")),
    ("HOSPITAL_HEALTH_CARE", _("Hospital & Health Care")), ("CONSTRUCTION", _("Construction")),
    ("EDUCATION_MANAGEMENT", _("Education Management")),
    ("LOGISTICS_AND_SUPPLY_CHAIN", _("Logistics and Supply Chain")),
    ("MARKETING_AND_ADVERTISING", _("Marketing and Advertising")),
    ("INFORMATION_TECHNOLOGY_AND_SERVICES", _("Information Technology and Services")),
    ("MANAGEMENT_CONSULTING", _("Management Consulting")),
)

COMPANIES = ObjectSpec(
    name="companies", label=_("Companies"), hub_object="company",
    fields=(
        Field("name", _("Company name")), Field("domain", _("Company domain name")),
        Field("website", _("Website URL"), T.URL), Field("phone", _("Phone number"), T.PHONE),
        Field("industry", _("Industry"), T.ENUMERATION, options=INDUSTRIES),
        Field("numberofemployees", _("Number of employees"), T.NUMBER),
        Field("annualrevenue", _("Annual revenue"), T.NUMBER), *_ADDRESS,
        Field("description", _("Description"), T.TEXTAREA),
        Field("lifecyclestage", _("Lifecycle stage"), T.ENUMERATION, options=LIFECYCLE),
        OWNER, *timestamps(),
    ),
    # Matching by domain only while the domain mapping is a default one is the
    # engine's rule (DESIGN "Matching"); the website URL is never an identifier.
    identifiers=(("name", "name"), ("domain", "domain")),
    default_mappings=same_names(
        "name", "domain", "website", "phone", "industry", "numberofemployees",
        "annualrevenue", "address", "city", "country", "description", required=("name",),
    ),
    capabilities=CAPABILITIES,
)

DEAL_STAGES = options(
    ("appointmentscheduled", _("Appointment scheduled")), ("qualifiedtobuy", _("Qualified to buy")),
    ("presentationscheduled", _("Presentation scheduled")),
    ("decisionmakerboughtin", _("Decision maker bought-in")), ("contractsent", _("Contract sent")),
    ("closedwon", _("Closed won")), ("closedlost", _("Closed lost")),
)

DEALS = ObjectSpec(
    name="deals", label=_("Deals"), hub_object="deal",
    fields=(
        Field("dealname", _("Deal name"), required=True),
        Field("amount", _("Amount"), T.NUMBER),
        Field("dealstage", _("Deal stage"), T.ENUMERATION, required=True, options=DEAL_STAGES),
        Field("pipeline", _("Pipeline"), T.ENUMERATION,
              options=options(("default", _("Sales Pipeline")))),
        # A datetime property that HubSpot shows as a date: synced as the UTC day.
        Field("closedate", _("Close date"), T.DATE),
        Field("description", _("Deal description"), T.TEXTAREA),
        Field("dealtype", _("Deal type"), T.ENUMERATION, options=options(
            ("newbusiness", _("New Business")), ("existingbusiness", _("Existing Business")))),
        OWNER, *timestamps(),
    ),
    default_mappings=same_names(
        "dealname", "amount", "dealstage", "pipeline", "closedate", "description",
        required=("dealname", "dealstage"),
    ),
    capabilities=CAPABILITIES,
    associations=(
        AssociationSpec("companies", _("Company")), AssociationSpec("contacts", _("Contacts")),
        # HubSpot links deals to products only through line items; see BEHAVIOR.md.
        AssociationSpec("products", _("Products (as line items)")),
    ),
)

PRODUCTS = ObjectSpec(
    name="products", label=_("Products"), hub_object="product",
    fields=(
        Field("name", _("Name"), required=True), Field("hs_sku", _("SKU")),
        Field("price", _("Unit price"), T.NUMBER),
        Field("hs_cost_of_goods_sold", _("Unit cost"), T.NUMBER),
        Field("description", _("Description"), T.TEXTAREA),
        Field("hs_product_type", _("Product type"), T.ENUMERATION, options=options(
            ("inventory", _("Inventory")), ("non_inventory", _("Non-inventory")),
            ("service", _("Service")))),
        *timestamps(),
    ),
    identifiers=(("sku", "hs_sku"), ("name", "name")),
    default_mappings=same_names(
        "name", "hs_sku", "price", "hs_cost_of_goods_sold", "description", required=("name",),
    ),
    capabilities=CAPABILITIES,
)

TICKET_STAGES = options(
    ("1", _("New")), ("2", _("Waiting on contact")), ("3", _("Waiting on us")), ("4", _("Closed")),
)

TICKETS = ObjectSpec(
    name="tickets", label=pgettext("hubspot", "Tickets"), hub_object="ticket",
    fields=(
        Field("subject", pgettext("hubspot", "Ticket name"), required=True),
        Field("content", pgettext("hubspot", "Ticket description"), T.TEXTAREA),
        Field("hs_pipeline", _("Pipeline"), T.ENUMERATION,
              options=options(("0", _("Support Pipeline")))),
        Field("hs_pipeline_stage", pgettext("hubspot", "Ticket status"), T.ENUMERATION,
              required=True, options=TICKET_STAGES),
        Field("hs_ticket_priority", _("Priority"), T.ENUMERATION, options=options(
            ("LOW", _("Low")), ("MEDIUM", _("Medium")), ("HIGH", _("High")),
            ("URGENT", _("Urgent")))),
        Field("hs_ticket_category", _("Category"), T.ENUMERATION, options=options(
            ("PRODUCT_ISSUE", _("Product issue")), ("BILLING_ISSUE", _("Billing issue")),
            ("FEATURE_REQUEST", _("Feature request")), ("GENERAL_INQUIRY", _("General inquiry")))),
        OWNER, *timestamps(),
    ),
    default_mappings=same_names(
        "subject", "content", "hs_pipeline_stage", "hs_ticket_priority",
        required=("subject", "hs_pipeline_stage"),
    ),
    capabilities=CAPABILITIES,
    associations=(AssociationSpec("contacts", _("Contact")),
                  AssociationSpec("companies", _("Company"))),
)

# The hub has no line-item type yet, so line items are not offered for pairing
# (they are absent from the ConnectorSpec's objects); the connector still reads
# and writes them, and uses them to carry deal <-> product associations.
LINE_ITEMS = ObjectSpec(
    name="line_items", label=_("Line items"), hub_object="line_item",
    fields=(
        Field("name", _("Name")),
        Field("hs_product_id", _("Product ID"), T.REFERENCE),
        Field("quantity", _("Quantity"), T.NUMBER),
        Field("price", _("Unit price"), T.NUMBER),
        Field("discount", _("Unit discount"), T.NUMBER),
        Field("amount", _("Net price"), T.NUMBER, read_only=True),
        Field("hs_sku", _("SKU")),
        Field("description", _("Description"), T.TEXTAREA),
        *timestamps(),
    ),
    capabilities=CAPABILITIES,
    associations=(AssociationSpec("deals", _("Deal")),),
)

RECORD_OBJECTS = (CONTACTS, COMPANIES, DEALS, PRODUCTS, TICKETS)
