"""What the emulated HubSpot portal knows about its objects: properties, ids, scopes.

Written from HubSpot's documentation, independently of the connector's spec, so
a connector field that HubSpot does not have shows up as PROPERTY_DOESNT_EXIST.
https://developers.hubspot.com/docs/api/crm/properties
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Prop:
    name: str
    label: str
    type: str = "string"  # string | number | date | datetime | enumeration | bool
    field_type: str = "text"  # text | textarea | number | date | select | radio | checkbox…
    options: tuple[tuple[str, str], ...] = ()
    read_only: bool = False
    custom: bool = False


def text(name, label, field_type="text", **kw) -> Prop:
    return Prop(name, label, "string", field_type, **kw)


def number(name, label, **kw) -> Prop:
    return Prop(name, label, "number", "number", **kw)


def date(name, label, **kw) -> Prop:
    return Prop(name, label, "date", "date", **kw)


def moment(name, label, **kw) -> Prop:
    return Prop(name, label, "datetime", "date", **kw)


def choice(name, label, *values, field_type="select", **kw) -> Prop:
    pairs = tuple(v if isinstance(v, tuple) else (v, v.replace("_", " ").title()) for v in values)
    return Prop(name, label, "enumeration", field_type, pairs, **kw)


def system(created="createdate", modified="hs_lastmodifieddate") -> tuple[Prop, ...]:
    return (
        number("hs_object_id", "Record ID", read_only=True),
        moment(created, "Create date", read_only=True),
        moment(modified, "Last modified date", read_only=True),
    )


# Owner ids: the sandbox's users (HubSpot's owners API is not emulated).
OWNER = choice("hubspot_owner_id", "Owner", ("71000001", "Portal admin"),
               ("71000002", "Sales rep"))
LIFECYCLE = choice("lifecyclestage", "Lifecycle stage", "subscriber", "lead",
                   "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer",
                   "evangelist", "other", field_type="radio")
ADDRESS = (text("address", "Street address"), text("city", "City"),
           text("state", "State/Region"), text("zip", "Postal code"),
           text("country", "Country/Region"))
ACTIVITY_SYSTEM = system(created="hs_createdate")
WHEN = moment("hs_timestamp", "Activity date")

PROPERTIES: dict[str, tuple[Prop, ...]] = {
    "contacts": (
        *system(modified="lastmodifieddate"),
        text("email", "Email"), text("firstname", "First name"), text("lastname", "Last name"),
        text("phone", "Phone number", "phonenumber"),
        text("mobilephone", "Mobile phone number", "phonenumber"),
        text("company", "Company name"), text("jobtitle", "Job title"),
        text("website", "Website URL"), *ADDRESS, LIFECYCLE,
        date("date_of_birth", "Date of birth"),
        Prop("hs_email_optout", "Unsubscribed from all email", "bool", "booleancheckbox",
             (("true", "Yes"), ("false", "No")), read_only=True),
        OWNER,
        choice("customer_tier", "Customer tier", "gold", "silver", "bronze", custom=True),
    ),
    "companies": (
        *system(), text("name", "Company name"), text("domain", "Company domain name"),
        text("website", "Website URL"), text("phone", "Phone number", "phonenumber"),
        choice("industry", "Industry", "COMPUTER_SOFTWARE", "RETAIL", "FINANCIAL_SERVICES",
               "HOSPITAL_HEALTH_CARE", "CONSTRUCTION", "EDUCATION_MANAGEMENT",
               "LOGISTICS_AND_SUPPLY_CHAIN", "MARKETING_AND_ADVERTISING",
               "INFORMATION_TECHNOLOGY_AND_SERVICES", "MANAGEMENT_CONSULTING"),
        number("numberofemployees", "Number of employees"),
        number("annualrevenue", "Annual revenue"), *ADDRESS,
        text("description", "Description", "textarea"), LIFECYCLE, OWNER,
        date("partner_since", "Partner since", custom=True),
    ),
    "deals": (
        *system(), text("dealname", "Deal name"), number("amount", "Amount"),
        choice("dealstage", "Deal stage", "appointmentscheduled", "qualifiedtobuy",
               "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon",
               "closedlost", field_type="radio"),
        choice("pipeline", "Pipeline", ("default", "Sales Pipeline")),
        moment("closedate", "Close date"), text("description", "Deal description", "textarea"),
        choice("dealtype", "Deal type", "newbusiness", "existingbusiness"), OWNER,
        text("lead_source_detail", "Lead source detail", custom=True),
    ),
    "products": (
        *system(), text("name", "Name"), text("hs_sku", "SKU"), number("price", "Unit price"),
        number("hs_cost_of_goods_sold", "Unit cost"),
        text("description", "Description", "textarea"),
        choice("hs_product_type", "Product type", "inventory", "non_inventory", "service"),
        number("warranty_months", "Warranty (months)", custom=True),
    ),
    "tickets": (
        *system(), text("subject", "Ticket name"),
        text("content", "Ticket description", "textarea"),
        choice("hs_pipeline", "Pipeline", ("0", "Support Pipeline")),
        choice("hs_pipeline_stage", "Ticket status", ("1", "New"), ("2", "Waiting on contact"),
               ("3", "Waiting on us"), ("4", "Closed")),
        choice("hs_ticket_priority", "Priority", "LOW", "MEDIUM", "HIGH", "URGENT"),
        choice("hs_ticket_category", "Category", "PRODUCT_ISSUE", "BILLING_ISSUE",
               "FEATURE_REQUEST", "GENERAL_INQUIRY"),
        OWNER, text("affected_version", "Affected version", custom=True),
    ),
    "line_items": (
        *system(), text("name", "Name"), number("hs_product_id", "Product ID"),
        number("quantity", "Quantity"), number("price", "Unit price"),
        number("discount", "Unit discount"), number("amount", "Net price", read_only=True),
        text("hs_sku", "SKU"), text("description", "Description", "textarea"),
        text("discount_reason", "Discount reason", custom=True),
    ),
    "calls": (
        *ACTIVITY_SYSTEM, text("hs_call_title", "Call title"),
        text("hs_call_body", "Call notes", "textarea"), WHEN,
        number("hs_call_duration", "Call duration"),
        choice("hs_call_direction", "Call direction", "INBOUND", "OUTBOUND"),
        choice("hs_call_status", "Call status", "BUSY", "CALLING_CRM_USER", "CANCELED",
               "COMPLETED", "CONNECTING", "FAILED", "IN_PROGRESS", "NO_ANSWER", "QUEUED",
               "RINGING"),
        text("hs_call_to_number", "To number", "phonenumber"),
        text("hs_call_from_number", "From number", "phonenumber"), OWNER,
        text("call_campaign", "Call campaign", custom=True),
    ),
    "emails": (
        *ACTIVITY_SYSTEM, text("hs_email_subject", "Email subject"),
        text("hs_email_text", "Email body", "textarea"), WHEN,
        choice("hs_email_direction", "Email direction", "EMAIL", "INCOMING_EMAIL",
               "FORWARDED_EMAIL"),
        choice("hs_email_status", "Email send status", "BOUNCED", "FAILED", "SCHEDULED",
               "SENDING", "SENT"), OWNER,
        text("campaign_code", "Campaign code", custom=True),
    ),
    "tasks": (
        *ACTIVITY_SYSTEM, text("hs_task_subject", "Task title"),
        text("hs_task_body", "Task notes", "textarea"), WHEN,
        choice("hs_task_status", "Task status", "NOT_STARTED", "IN_PROGRESS", "WAITING",
               "COMPLETED", "DEFERRED"),
        choice("hs_task_priority", "Priority", "NONE", "LOW", "MEDIUM", "HIGH"),
        choice("hs_task_type", "Task type", "EMAIL", "CALL", "TODO"), OWNER,
        text("task_queue_name", "Queue", custom=True),
    ),
    "notes": (
        *ACTIVITY_SYSTEM, text("hs_note_body", "Note body", "textarea"), WHEN, OWNER,
        choice("note_category", "Note category", "internal", "customer_facing", custom=True),
    ),
    "meetings": (
        *ACTIVITY_SYSTEM, text("hs_meeting_title", "Meeting name"),
        text("hs_meeting_body", "Meeting description", "textarea"), WHEN,
        moment("hs_meeting_start_time", "Start time"), moment("hs_meeting_end_time", "End time"),
        text("hs_meeting_location", "Location"),
        choice("hs_meeting_outcome", "Outcome", "SCHEDULED", "COMPLETED", "RESCHEDULED",
               "NO_SHOW", "CANCELED"), OWNER,
        text("meeting_room", "Meeting room", custom=True),
    ),
}

# Properties required on create (by HubSpot, not by the UI).
REQUIRED = {
    "deals": ("dealname", "dealstage"),
    "products": ("name",),
    "tickets": ("subject", "hs_pipeline_stage"),
    **dict.fromkeys(("calls", "emails", "tasks", "notes", "meetings"), ("hs_timestamp",)),
}
# What search and list return when no `properties` are asked for.
DEFAULT_PROPERTIES = {
    "contacts": ("email", "firstname", "lastname"),
    "companies": ("name", "domain"),
    "deals": ("dealname", "amount", "closedate", "dealstage", "pipeline"),
    "products": ("name", "price", "description"),
    "tickets": ("subject", "content", "hs_pipeline", "hs_pipeline_stage"),
    "line_items": ("name", "quantity", "price", "amount"),
}
# What a search's free-text `query` looks in ("default searchable properties"; the
# guide lists none for line items: the sandbox chooses their name, description and SKU).
# https://developers.hubspot.com/docs/api/crm/search#search-default-searchable-properties
SEARCHABLE = {
    "contacts": ("firstname", "lastname", "email", "phone", "hs_additional_emails", "fax",
                 "mobilephone", "company", "hs_marketable_until_renewal"),
    "companies": ("website", "phone", "name", "domain"),
    "deals": ("dealname", "pipeline", "dealstage", "description", "dealtype"),
    "products": ("name", "description", "price", "hs_sku"),
    "tickets": ("subject", "content", "hs_pipeline_stage", "hs_ticket_category",
                "hs_ticket_id"),
    "line_items": ("name", "description", "hs_sku"),
    "calls": ("hs_call_title", "hs_body_preview"), "emails": ("hs_email_subject",),
    "meetings": ("hs_meeting_title", "hs_meeting_body"), "notes": ("hs_note_body",),
    "tasks": ("hs_task_body", "hs_task_subject"),
}
TYPE_IDS = {
    "contacts": "0-1", "companies": "0-2", "deals": "0-3", "tickets": "0-5",
    "products": "0-7", "line_items": "0-8", "calls": "0-48", "emails": "0-49",
    "meetings": "0-47", "notes": "0-46", "tasks": "0-27",
}
# HubSpot accepts an object's plural, its singular and its type id in paths.
ALIASES = {
    **{name: name for name in TYPE_IDS}, **{tid: name for name, tid in TYPE_IDS.items()},
    "contact": "contacts", "company": "companies", "deal": "deals", "ticket": "tickets",
    "product": "products", "line_item": "line_items", "call": "calls", "email": "emails",
    "meeting": "meetings", "note": "notes", "task": "tasks",
}
ACTIVITIES = ("calls", "emails", "tasks", "notes", "meetings")


def modified_property(object_type: str) -> str:
    return "lastmodifieddate" if object_type == "contacts" else "hs_lastmodifieddate"


def created_property(object_type: str) -> str:
    return "hs_createdate" if object_type in ACTIVITIES else "createdate"


def scopes_for(object_type: str, write: bool) -> set[str]:
    """Any one of these scopes grants the call (read or write).
    https://developers.hubspot.com/docs/api/working-with-oauth#scopes"""
    access = "write" if write else "read"
    if object_type in ("contacts", *ACTIVITIES):
        return {f"crm.objects.contacts.{access}"}
    if object_type == "products":
        return {"e-commerce"}
    if object_type == "line_items":
        return {f"crm.objects.line_items.{access}", "e-commerce"}
    if object_type == "tickets":
        return {"tickets"}
    return {f"crm.objects.{object_type}.{access}"}


def schema_scopes(object_type: str) -> set[str]:
    """Reading property definitions: the schema scope or the object's read scope."""
    return scopes_for(object_type, write=False) | {f"crm.schemas.{object_type}.read"}


def property_map(object_type: str) -> dict[str, Prop]:
    return {p.name: p for p in PROPERTIES[object_type]}
