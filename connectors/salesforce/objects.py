"""The Salesforce objects the connector syncs, keyed by their API names.

Field names are Salesforce's own API names; custom fields (ending in __c) come from
describe at run time. Each object pairs with the nearest hub object, and default
mappings pair only fields whose values mean the same on both sides (Salesforce's
picklist values — StageName, Case Status, Task Priority — are not the hub's, so
they are left for a person to map).
https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/
"""

from connectors.sdk import AssociationSpec, Capabilities, Field, Mapping, ObjectSpec, Option
from connectors.sdk import FieldType as T
from connectors.sdk.spec import Direction
from connectors.sdk.text import _

# Incremental by SystemModstamp, deletions from sobjects/<type>/deleted/, writes through
# sObject Collections (200 records a request). No conditional writes: the REST API's
# If-Unmodified-Since works on single records only, not on collections.
CAPABILITIES = Capabilities(
    incremental="modified_time", deleted_records=True, batch_write=True, batch_size=200,
)


def _stamps() -> tuple[Field, ...]:
    return (
        Field("CreatedDate", _("Created date"), T.DATETIME, read_only=True),
        Field("LastModifiedDate", _("Last modified date"), T.DATETIME, read_only=True),
        Field("SystemModstamp", _("System modstamp"), T.DATETIME, read_only=True),
    )


OWNER = Field("OwnerId", _("Owner"), T.OWNER)


def _address(prefix: str) -> tuple[Field, ...]:
    return (
        Field(f"{prefix}Street", _("Street address"), T.TEXTAREA),
        Field(f"{prefix}City", _("City")),
        Field(f"{prefix}State", _("State/Region")),
        Field(f"{prefix}PostalCode", _("Postal code")),
        Field(f"{prefix}Country", _("Country/Region")),
    )


def _address_mappings(prefix: str) -> tuple[Mapping, ...]:
    return (
        Mapping(f"{prefix}Street", "address"), Mapping(f"{prefix}City", "city"),
        Mapping(f"{prefix}State", "state"), Mapping(f"{prefix}PostalCode", "zip"),
        Mapping(f"{prefix}Country", "country"),
    )


def _page(name: str) -> str:
    return f"/lightning/r/{name}/{{id}}/view"


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    """(Salesforce's API value, its label as Salesforce shows it)."""
    return tuple(Option(value, label) for value, label in pairs)


_PRIORITIES = _options(("High", _("High")), ("Medium", _("Medium")), ("Low", _("Low")))

CONTACT = ObjectSpec(
    name="Contact", label=_("Contacts"), hub_object="contact", record_page=_page("Contact"),
    fields=(
        Field("Email", _("Email"), T.EMAIL),
        Field("FirstName", _("First name")),
        Field("LastName", _("Last name"), required=True),
        Field("Phone", _("Phone"), T.PHONE), Field("MobilePhone", _("Mobile phone"), T.PHONE),
        Field("Title", _("Title")), Field("Department", _("Department")),
        Field("Birthdate", _("Birthdate"), T.DATE),
        *_address("Mailing"),
        Field("HasOptedOutOfEmail", _("Email opt out"), T.BOOLEAN),
        Field("AccountId", _("Account"), T.REFERENCE),
        OWNER, *_stamps(),
    ),
    identifiers=(("email", "Email"),),
    default_mappings=(
        Mapping("Email", "email", required=True), Mapping("FirstName", "firstname"),
        Mapping("LastName", "lastname", required=True), Mapping("Phone", "phone"),
        Mapping("MobilePhone", "mobilephone"), Mapping("Title", "jobtitle"),
        Mapping("Birthdate", "date_of_birth"), *_address_mappings("Mailing"),
        Mapping("HasOptedOutOfEmail", "hs_email_optout", Direction.TO_HUB),
    ),
    capabilities=CAPABILITIES,
    associations=(AssociationSpec("Account", _("Account"), via_field="AccountId"),),
)

LEAD = ObjectSpec(
    name="Lead", label=_("Leads"), hub_object="lead", record_page=_page("Lead"),
    fields=(
        Field("Email", _("Email"), T.EMAIL),
        Field("FirstName", _("First name")),
        Field("LastName", _("Last name"), required=True),
        Field("Company", _("Company"), required=True),
        Field("Phone", _("Phone"), T.PHONE), Field("MobilePhone", _("Mobile phone"), T.PHONE),
        Field("Title", _("Title")), Field("Website", _("Website"), T.URL),
        *_address(""),
        Field("Status", _("Lead status"), T.ENUMERATION, options=_options(
            ("Open - Not Contacted", _("Open - Not Contacted")),
            ("Working - Contacted", _("Working - Contacted")),
            ("Closed - Converted", _("Closed - Converted")),
            ("Closed - Not Converted", _("Closed - Not Converted")))),
        Field("LeadSource", _("Lead source")),
        OWNER, *_stamps(),
    ),
    identifiers=(("email", "Email"),),
    default_mappings=(
        Mapping("Email", "email", required=True), Mapping("FirstName", "firstname"),
        Mapping("LastName", "lastname", required=True), Mapping("Company", "company"),
        Mapping("Phone", "phone"), Mapping("MobilePhone", "mobilephone"),
        Mapping("Title", "jobtitle"), Mapping("Website", "website"), *_address_mappings(""),
    ),
    capabilities=CAPABILITIES,
)

ACCOUNT = ObjectSpec(
    name="Account", label=_("Accounts"), hub_object="company", record_page=_page("Account"),
    fields=(
        Field("Name", _("Account name"), required=True),
        Field("Website", _("Website"), T.URL), Field("Phone", _("Phone"), T.PHONE),
        Field("Industry", _("Industry")),
        Field("NumberOfEmployees", _("Employees"), T.NUMBER),
        Field("AnnualRevenue", _("Annual revenue"), T.NUMBER),
        *_address("Billing"),
        Field("Description", _("Description"), T.TEXTAREA),
        OWNER, *_stamps(),
    ),
    # An Account has no domain field (its Website is a URL, never an identifier).
    identifiers=(("name", "Name"),),
    default_mappings=(
        Mapping("Name", "name", required=True), Mapping("Website", "website"),
        Mapping("Phone", "phone"), Mapping("NumberOfEmployees", "numberofemployees"),
        Mapping("AnnualRevenue", "annualrevenue"), Mapping("BillingStreet", "address"),
        Mapping("BillingCity", "city"), Mapping("BillingCountry", "country"),
        Mapping("Description", "description"),
    ),
    capabilities=CAPABILITIES,
)

OPPORTUNITY = ObjectSpec(
    name="Opportunity", label=_("Opportunities"), hub_object="deal",
    record_page=_page("Opportunity"),
    fields=(
        Field("Name", _("Opportunity name"), required=True),
        Field("Amount", _("Amount"), T.NUMBER),
        Field("CloseDate", _("Close date"), T.DATE, required=True),
        Field("StageName", _("Stage"), T.ENUMERATION, required=True, options=_options(
            ("Prospecting", _("Prospecting")), ("Qualification", _("Qualification")),
            ("Needs Analysis", _("Needs Analysis")),
            ("Value Proposition", _("Value Proposition")),
            ("Proposal/Price Quote", _("Proposal/Price Quote")),
            ("Negotiation/Review", _("Negotiation/Review")), ("Closed Won", _("Closed Won")),
            ("Closed Lost", _("Closed Lost")))),
        Field("Probability", _("Probability (%)"), T.NUMBER),
        Field("Description", _("Description"), T.TEXTAREA),
        Field("AccountId", _("Account"), T.REFERENCE),
        OWNER, *_stamps(),
    ),
    default_mappings=(
        Mapping("Name", "dealname", required=True), Mapping("Amount", "amount"),
        Mapping("CloseDate", "closedate", required=True), Mapping("Description", "description"),
    ),
    capabilities=CAPABILITIES,
    associations=(AssociationSpec("Account", _("Account"), via_field="AccountId"),),
)

PRODUCT = ObjectSpec(
    name="Product2", label=_("Products"), hub_object="product", record_page=_page("Product2"),
    fields=(
        Field("Name", _("Product name"), required=True),
        Field("ProductCode", _("Product code")),
        Field("Description", _("Product description"), T.TEXTAREA),
        Field("Family", _("Product family")),
        Field("IsActive", _("Active"), T.BOOLEAN),
        *_stamps(),
    ),
    identifiers=(("sku", "ProductCode"), ("name", "Name")),
    default_mappings=(
        Mapping("Name", "name", required=True), Mapping("ProductCode", "hs_sku"),
        Mapping("Description", "description"),
    ),
    capabilities=CAPABILITIES,
)

CASE = ObjectSpec(
    name="Case", label=_("Cases"), hub_object="ticket", record_page=_page("Case"),
    fields=(
        Field("Subject", _("Subject")),
        Field("Description", _("Description"), T.TEXTAREA),
        Field("Status", _("Status"), T.ENUMERATION,
              options=_options(("New", _("New")), ("Working", _("Working")),
                               ("Escalated", _("Escalated")), ("Closed", _("Closed")))),
        Field("Priority", _("Priority"), T.ENUMERATION, options=_PRIORITIES),
        Field("Origin", _("Case origin"), T.ENUMERATION, options=_options(
            ("Phone", _("Phone")), ("Email", _("Email")), ("Web", _("Web")))),
        Field("ContactId", _("Contact"), T.REFERENCE),
        Field("AccountId", _("Account"), T.REFERENCE),
        OWNER, *_stamps(),
    ),
    default_mappings=(
        Mapping("Subject", "subject", required=True), Mapping("Description", "content"),
    ),
    capabilities=CAPABILITIES,
    associations=(AssociationSpec("Contact", _("Contact"), via_field="ContactId"),
                  AssociationSpec("Account", _("Account"), via_field="AccountId")),
)

TASK = ObjectSpec(
    name="Task", label=_("Tasks"), hub_object="task", record_page=_page("Task"),
    fields=(
        Field("Subject", _("Subject")),
        Field("Description", _("Comments"), T.TEXTAREA),
        Field("ActivityDate", _("Due date"), T.DATE),
        Field("Status", _("Status"), T.ENUMERATION, options=_options(
            ("Not Started", _("Not Started")), ("In Progress", _("In Progress")),
            ("Completed", _("Completed")),
            ("Waiting on someone else", _("Waiting on someone else")),
            ("Deferred", _("Deferred")))),
        Field("Priority", _("Priority"), T.ENUMERATION, options=_options(
            ("High", _("High")), ("Normal", _("Normal")), ("Low", _("Low")))),
        Field("WhoId", _("Name (contact or lead)"), T.REFERENCE),
        Field("WhatId", _("Related to"), T.REFERENCE),
        OWNER, *_stamps(),
    ),
    default_mappings=(
        Mapping("Subject", "hs_task_subject", required=True),
        Mapping("Description", "hs_task_body"),
    ),
    capabilities=CAPABILITIES,
    associations=(AssociationSpec("Contact", _("Contact"), via_field="WhoId"),),
)

EVENT = ObjectSpec(
    name="Event", label=_("Events"), hub_object="meeting", record_page=_page("Event"),
    fields=(
        Field("Subject", _("Subject")),
        Field("Description", _("Description"), T.TEXTAREA),
        Field("StartDateTime", _("Start"), T.DATETIME, required=True),
        Field("EndDateTime", _("End"), T.DATETIME, required=True),
        Field("Location", _("Location")),
        Field("IsAllDayEvent", _("All-day event"), T.BOOLEAN),
        Field("WhoId", _("Name (contact or lead)"), T.REFERENCE),
        Field("WhatId", _("Related to"), T.REFERENCE),
        OWNER, *_stamps(),
    ),
    default_mappings=(
        Mapping("Subject", "hs_meeting_title", required=True),
        Mapping("Description", "hs_meeting_body"),
        Mapping("StartDateTime", "hs_meeting_start_time", required=True),
        Mapping("EndDateTime", "hs_meeting_end_time", required=True),
        Mapping("Location", "hs_meeting_location"),
    ),
    capabilities=CAPABILITIES,
    associations=(AssociationSpec("Contact", _("Contact"), via_field="WhoId"),),
)

OBJECTS = (CONTACT, LEAD, ACCOUNT, OPPORTUNITY, PRODUCT, CASE, TASK, EVENT)
