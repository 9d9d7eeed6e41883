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
        Field(created, "Create date", T.DATETIME, read_only=True),
        Field(modified, "Last modified date", T.DATETIME, read_only=True),
    )


OWNER = Field("hubspot_owner_id", "Owner", T.OWNER)

LIFECYCLE = options(
    ("subscriber", "Subscriber"), ("lead", "Lead"),
    ("marketingqualifiedlead", "Marketing qualified lead"),
    ("salesqualifiedlead", "Sales qualified lead"), ("opportunity", "Opportunity"),
    ("customer", "Customer"), ("evangelist", "Evangelist"), ("other", "Other"),
)

_ADDRESS = (
    Field("address", "Street address"), Field("city", "City"),
    Field("state", "State/Region"), Field("zip", "Postal code"),
    Field("country", "Country/Region"),
)

CONTACTS = ObjectSpec(
    name="contacts", label="Contacts", hub_object="contact",
    fields=(
        Field("email", "Email", T.EMAIL),
        Field("firstname", "First name"), Field("lastname", "Last name"),
        Field("phone", "Phone number", T.PHONE),
        Field("mobilephone", "Mobile phone number", T.PHONE),
        Field("company", "Company name"), Field("jobtitle", "Job title"),
        Field("website", "Website URL", T.URL), *_ADDRESS,
        Field("lifecyclestage", "Lifecycle stage", T.ENUMERATION, options=LIFECYCLE),
        Field("date_of_birth", "Date of birth", T.DATE),
        # Opt-out is managed by HubSpot's subscription tools, not by property writes.
        Field("hs_email_optout", "Unsubscribed from all email", T.BOOLEAN, read_only=True),
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
    associations=(AssociationSpec("companies", "Company"),),
)

INDUSTRIES = options(
    ("COMPUTER_SOFTWARE", "Computer Software"), ("RETAIL", "Retail"),
    ("FINANCIAL_SERVICES", "Financial Services"),
    ("HOSPITAL_HEALTH_CARE", "Hospital & Health Care"), ("CONSTRUCTION", "Construction"),
    ("EDUCATION_MANAGEMENT", "Education Management"),
    ("LOGISTICS_AND_SUPPLY_CHAIN", "Logistics and Supply Chain"),
    ("MARKETING_AND_ADVERTISING", "Marketing and Advertising"),
    ("INFORMATION_TECHNOLOGY_AND_SERVICES", "Information Technology and Services"),
    ("MANAGEMENT_CONSULTING", "Management Consulting"),
)

COMPANIES = ObjectSpec(
    name="companies", label="Companies", hub_object="company",
    fields=(
        Field("name", "Company name"), Field("domain", "Company domain name"),
        Field("website", "Website URL", T.URL), Field("phone", "Phone number", T.PHONE),
        Field("industry", "Industry", T.ENUMERATION, options=INDUSTRIES),
        Field("numberofemployees", "Number of employees", T.NUMBER),
        Field("annualrevenue", "Annual revenue", T.NUMBER), *_ADDRESS,
        Field("description", "Description", T.TEXTAREA),
        Field("lifecyclestage", "Lifecycle stage", T.ENUMERATION, options=LIFECYCLE),
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
    ("appointmentscheduled", "Appointment scheduled"), ("qualifiedtobuy", "Qualified to buy"),
    ("presentationscheduled", "Presentation scheduled"),
    ("decisionmakerboughtin", "Decision maker bought-in"), ("contractsent", "Contract sent"),
    ("closedwon", "Closed won"), ("closedlost", "Closed lost"),
)

DEALS = ObjectSpec(
    name="deals", label="Deals", hub_object="deal",
    fields=(
        Field("dealname", "Deal name", required=True),
        Field("amount", "Amount", T.NUMBER),
        Field("dealstage", "Deal stage", T.ENUMERATION, required=True, options=DEAL_STAGES),
        Field("pipeline", "Pipeline", T.ENUMERATION,
              options=options(("default", "Sales Pipeline"))),
        # A datetime property that HubSpot shows as a date: synced as the UTC day.
        Field("closedate", "Close date", T.DATE),
        Field("description", "Deal description", T.TEXTAREA),
        Field("dealtype", "Deal type", T.ENUMERATION, options=options(
            ("newbusiness", "New Business"), ("existingbusiness", "Existing Business"))),
        OWNER, *timestamps(),
    ),
    default_mappings=same_names(
        "dealname", "amount", "dealstage", "pipeline", "closedate", "description",
        required=("dealname", "dealstage"),
    ),
    capabilities=CAPABILITIES,
    associations=(
        AssociationSpec("companies", "Company"), AssociationSpec("contacts", "Contacts"),
        # HubSpot links deals to products only through line items; see BEHAVIOR.md.
        AssociationSpec("products", "Products (as line items)"),
    ),
)

PRODUCTS = ObjectSpec(
    name="products", label="Products", hub_object="product",
    fields=(
        Field("name", "Name", required=True), Field("hs_sku", "SKU"),
        Field("price", "Unit price", T.NUMBER),
        Field("hs_cost_of_goods_sold", "Unit cost", T.NUMBER),
        Field("description", "Description", T.TEXTAREA),
        Field("hs_product_type", "Product type", T.ENUMERATION, options=options(
            ("inventory", "Inventory"), ("non_inventory", "Non-inventory"),
            ("service", "Service"))),
        *timestamps(),
    ),
    identifiers=(("sku", "hs_sku"), ("name", "name")),
    default_mappings=same_names(
        "name", "hs_sku", "price", "hs_cost_of_goods_sold", "description", required=("name",),
    ),
    capabilities=CAPABILITIES,
)

TICKET_STAGES = options(
    ("1", "New"), ("2", "Waiting on contact"), ("3", "Waiting on us"), ("4", "Closed"),
)

TICKETS = ObjectSpec(
    name="tickets", label="Tickets", hub_object="ticket",
    fields=(
        Field("subject", "Ticket name", required=True),
        Field("content", "Ticket description", T.TEXTAREA),
        Field("hs_pipeline", "Pipeline", T.ENUMERATION,
              options=options(("0", "Support Pipeline"))),
        Field("hs_pipeline_stage", "Ticket status", T.ENUMERATION, required=True,
              options=TICKET_STAGES),
        Field("hs_ticket_priority", "Priority", T.ENUMERATION, options=options(
            ("LOW", "Low"), ("MEDIUM", "Medium"), ("HIGH", "High"), ("URGENT", "Urgent"))),
        Field("hs_ticket_category", "Category", T.ENUMERATION, options=options(
            ("PRODUCT_ISSUE", "Product issue"), ("BILLING_ISSUE", "Billing issue"),
            ("FEATURE_REQUEST", "Feature request"), ("GENERAL_INQUIRY", "General inquiry"))),
        OWNER, *timestamps(),
    ),
    default_mappings=same_names(
        "subject", "content", "hs_pipeline_stage", "hs_ticket_priority",
        required=("subject", "hs_pipeline_stage"),
    ),
    capabilities=CAPABILITIES,
    associations=(AssociationSpec("contacts", "Contact"), AssociationSpec("companies", "Company")),
)

# The hub has no line-item type yet, so line items are not offered for pairing
# (they are absent from the ConnectorSpec's objects); the connector still reads
# and writes them, and uses them to carry deal <-> product associations.
LINE_ITEMS = ObjectSpec(
    name="line_items", label="Line items", hub_object="line_item",
    fields=(
        Field("name", "Name"),
        Field("hs_product_id", "Product ID", T.REFERENCE),
        Field("quantity", "Quantity", T.NUMBER),
        Field("price", "Unit price", T.NUMBER),
        Field("discount", "Unit discount", T.NUMBER),
        Field("amount", "Net price", T.NUMBER, read_only=True),
        Field("hs_sku", "SKU"),
        Field("description", "Description", T.TEXTAREA),
        *timestamps(),
    ),
    capabilities=CAPABILITIES,
    associations=(AssociationSpec("deals", "Deal"),),
)

RECORD_OBJECTS = (CONTACTS, COMPANIES, DEALS, PRODUCTS, TICKETS)
