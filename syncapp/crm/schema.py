"""The hub's object types and their HubSpot-like default properties.

Every value is stored as a string in a canonical form (numbers as plain
decimals, dates as YYYY-MM-DD, datetimes as ISO 8601 UTC, booleans as
"true"/"false", enumerations as the option's value); an empty value is an
absent key. One form per type keeps comparisons in the sync engine exact.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ObjectType(models.TextChoices):
    CONTACT = "contact", _("Contacts")
    LEAD = "lead", _("Leads")
    COMPANY = "company", _("Companies")
    DEAL = "deal", _("Deals")
    PRODUCT = "product", _("Products")
    INVOICE = "invoice", _("Invoices")
    TICKET = "ticket", _("Tickets")
    CALL = "call", _("Calls")
    EMAIL = "email", _("Emails")
    TASK = "task", _("Tasks")
    NOTE = "note", _("Notes")
    MEETING = "meeting", _("Meetings")


ACTIVITY_TYPES = (ObjectType.CALL, ObjectType.EMAIL, ObjectType.TASK, ObjectType.NOTE,
                  ObjectType.MEETING)

SINGULAR = {
    ObjectType.CONTACT: _("contact"),
    ObjectType.LEAD: _("lead"),
    ObjectType.COMPANY: _("company"),
    ObjectType.DEAL: _("deal"),
    ObjectType.PRODUCT: _("product"),
    ObjectType.INVOICE: _("invoice"),
    ObjectType.TICKET: _("ticket"),
    ObjectType.CALL: _("call"),
    ObjectType.EMAIL: _("email"),
    ObjectType.TASK: _("task"),
    ObjectType.NOTE: _("note"),
    ObjectType.MEETING: _("meeting"),
}


class PropertyType(models.TextChoices):
    TEXT = "text", _("Single-line text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    DATETIME = "datetime", _("Date and time")
    BOOLEAN = "boolean", _("Single checkbox")
    ENUMERATION = "enumeration", _("Dropdown select")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone number")
    URL = "url", _("URL")


@dataclass(frozen=True)
class PropertySpec:
    name: str
    label: str | Promise  # a lazy translation, read in the reader's language
    type: str = PropertyType.TEXT
    group: str = "info"
    options: list[tuple[str, str]] = field(default_factory=list)


def _enum(name, label, options, group="info"):
    return PropertySpec(name, label, PropertyType.ENUMERATION, group, options)


LIFECYCLE_STAGES = [
    ("subscriber", _("Subscriber")),
    ("lead", _("Lead")),
    ("marketingqualifiedlead", _("Marketing qualified lead")),
    ("salesqualifiedlead", _("Sales qualified lead")),
    ("opportunity", _("Opportunity")),
    ("customer", _("Customer")),
    ("evangelist", _("Evangelist")),
    ("other", _("Other")),
]

_PERSON = [
    PropertySpec("email", _("Email"), PropertyType.EMAIL),
    PropertySpec("firstname", _("First name")),
    PropertySpec("lastname", _("Last name")),
    PropertySpec("phone", _("Phone number"), PropertyType.PHONE),
    PropertySpec("mobilephone", _("Mobile phone number"), PropertyType.PHONE),
    PropertySpec("company", _("Company name")),
    PropertySpec("jobtitle", _("Job title")),
    PropertySpec("website", _("Website URL"), PropertyType.URL),
    PropertySpec("address", _("Street address"), group="address"),
    PropertySpec("city", _("City"), group="address"),
    PropertySpec("state", _("State/Region"), group="address"),
    PropertySpec("zip", _("Postal code"), group="address"),
    PropertySpec("country", _("Country/Region"), group="address"),
]

DEFAULT_PROPERTIES: dict[str, list[PropertySpec]] = {
    ObjectType.CONTACT: [
        *_PERSON,
        _enum("lifecyclestage", _("Lifecycle stage"), LIFECYCLE_STAGES),
        PropertySpec("date_of_birth", _("Date of birth"), PropertyType.DATE),
        PropertySpec("hs_email_optout", _("Unsubscribed from all email"), PropertyType.BOOLEAN),
    ],
    ObjectType.LEAD: [
        *_PERSON,
        _enum("hs_lead_status", _("Lead status"), [
            ("NEW", _("New")), ("OPEN", _("Open")), ("IN_PROGRESS", _("In progress")),
            ("UNQUALIFIED", _("Unqualified")), ("CONNECTED", _("Connected")),
        ]),
    ],
    ObjectType.COMPANY: [
        PropertySpec("name", _("Company name")),
        PropertySpec("domain", _("Company domain name")),
        PropertySpec("website", _("Website URL"), PropertyType.URL),
        PropertySpec("phone", _("Phone number"), PropertyType.PHONE),
        _enum("industry", _("Industry"), [
            ("COMPUTER_SOFTWARE", _("Computer software")), ("RETAIL", _("Retail")),
            ("FINANCIAL_SERVICES", _("Financial services")), ("HOSPITAL_HEALTH_CARE",
             _("Hospital & health care")), ("CONSTRUCTION", _("Construction")),
            ("EDUCATION_MANAGEMENT", _("Education management")), ("LOGISTICS_AND_SUPPLY_CHAIN",
             _("Logistics and supply chain")), ("MARKETING_AND_ADVERTISING",
             _("Marketing and advertising")),
        ]),
        PropertySpec("numberofemployees", _("Number of employees"), PropertyType.NUMBER),
        PropertySpec("annualrevenue", _("Annual revenue"), PropertyType.NUMBER),
        PropertySpec("address", _("Street address"), group="address"),
        PropertySpec("city", _("City"), group="address"),
        PropertySpec("country", _("Country/Region"), group="address"),
        PropertySpec("description", _("Description")),
    ],
    ObjectType.DEAL: [
        PropertySpec("dealname", _("Deal name")),
        PropertySpec("amount", _("Amount"), PropertyType.NUMBER),
        _enum("dealstage", _("Deal stage"), [
            ("appointmentscheduled", _("Appointment scheduled")),
            ("qualifiedtobuy", _("Qualified to buy")),
            ("presentationscheduled", _("Presentation scheduled")),
            ("decisionmakerboughtin", _("Decision maker bought-in")),
            ("contractsent", _("Contract sent")),
            ("closedwon", _("Closed won")), ("closedlost", _("Closed lost")),
        ]),
        _enum("pipeline", _("Pipeline"), [("default", _("Sales pipeline"))]),
        PropertySpec("closedate", _("Close date"), PropertyType.DATE),
        PropertySpec("description", _("Deal description")),
    ],
    ObjectType.PRODUCT: [
        PropertySpec("name", _("Name")),
        PropertySpec("hs_sku", _("SKU")),
        PropertySpec("price", _("Unit price"), PropertyType.NUMBER),
        PropertySpec("hs_cost_of_goods_sold", _("Unit cost"), PropertyType.NUMBER),
        PropertySpec("description", _("Description")),
    ],
    ObjectType.INVOICE: [
        PropertySpec("hs_invoice_number", _("Invoice number")),
        PropertySpec("hs_amount_billed", _("Amount billed"), PropertyType.NUMBER),
        _enum("hs_currency", _("Currency"), [("USD", "USD"), ("EUR", "EUR"), ("BRL", "BRL"),
                                             ("GBP", "GBP")]),
        PropertySpec("hs_invoice_date", _("Invoice date"), PropertyType.DATE),
        PropertySpec("hs_due_date", _("Due date"), PropertyType.DATE),
        _enum("hs_invoice_status", _("Invoice status"), [
            ("draft", _("Draft")), ("open", _("Open")), ("paid", _("Paid")),
            ("voided", _("Voided")),
        ]),
    ],
    ObjectType.TICKET: [
        PropertySpec("subject", _("Ticket name")),
        PropertySpec("content", _("Ticket description")),
        _enum("hs_pipeline_stage", _("Ticket status"), [
            ("1", _("New")), ("2", _("Waiting on contact")), ("3", _("Waiting on us")),
            ("4", _("Closed")),
        ]),
        _enum("hs_ticket_priority", _("Priority"), [
            ("LOW", _("Low")), ("MEDIUM", _("Medium")), ("HIGH", _("High")),
        ]),
    ],
    ObjectType.CALL: [
        PropertySpec("hs_call_title", _("Call title")),
        PropertySpec("hs_call_body", _("Call notes")),
        PropertySpec("hs_timestamp", _("Activity date"), PropertyType.DATETIME),
        PropertySpec("hs_call_duration", _("Call duration (ms)"), PropertyType.NUMBER),
        _enum("hs_call_direction", _("Call direction"), [
            ("INBOUND", _("Inbound")), ("OUTBOUND", _("Outbound")),
        ]),
    ],
    ObjectType.EMAIL: [
        PropertySpec("hs_email_subject", _("Email subject")),
        PropertySpec("hs_email_text", _("Email body")),
        PropertySpec("hs_timestamp", _("Activity date"), PropertyType.DATETIME),
        _enum("hs_email_direction", _("Email direction"), [
            ("EMAIL", _("Sent")), ("INCOMING_EMAIL", _("Received")),
        ]),
    ],
    ObjectType.TASK: [
        PropertySpec("hs_task_subject", _("Task title")),
        PropertySpec("hs_task_body", _("Task notes")),
        PropertySpec("hs_timestamp", _("Due date"), PropertyType.DATETIME),
        _enum("hs_task_status", _("Task status"), [
            ("NOT_STARTED", _("Not started")), ("IN_PROGRESS", _("In progress")),
            ("COMPLETED", _("Completed")),
        ]),
        _enum("hs_task_priority", _("Priority"), [
            ("LOW", _("Low")), ("MEDIUM", _("Medium")), ("HIGH", _("High")),
        ]),
    ],
    ObjectType.NOTE: [
        PropertySpec("hs_note_body", _("Note")),
        PropertySpec("hs_timestamp", _("Activity date"), PropertyType.DATETIME),
    ],
    ObjectType.MEETING: [
        PropertySpec("hs_meeting_title", _("Meeting name")),
        PropertySpec("hs_meeting_body", _("Meeting description")),
        PropertySpec("hs_meeting_start_time", _("Start time"), PropertyType.DATETIME),
        PropertySpec("hs_meeting_end_time", _("End time"), PropertyType.DATETIME),
        PropertySpec("hs_meeting_location", _("Location")),
    ],
}

# "Created by sync: <app>" on the records a sync creates, so automations and lists can
# tell them apart (crm.bulk.prepare_creates sets it). Read-only: people never write it, and
# a sync can only copy it to the app (syncs/wizard/fields.py).
RECORD_SOURCE = "record_source"
READ_ONLY_PROPERTIES = frozenset({RECORD_SOURCE})
for _specs in DEFAULT_PROPERTIES.values():
    _specs.append(PropertySpec(RECORD_SOURCE, _("Record source")))


def created_by_sync(app_name: str) -> str:
    """The Record source value of a record a sync of `app_name` created."""
    return f"Created by sync: {app_name}"


# How a record is named in lists: the first non-empty of these, joined by spaces.
DISPLAY_NAME = {
    ObjectType.CONTACT: (("firstname", "lastname"), ("email",)),
    ObjectType.LEAD: (("firstname", "lastname"), ("email",)),
    ObjectType.COMPANY: (("name",), ("domain",)),
    ObjectType.DEAL: (("dealname",),),
    ObjectType.PRODUCT: (("name",), ("hs_sku",)),
    ObjectType.INVOICE: (("hs_invoice_number",),),
    ObjectType.TICKET: (("subject",),),
    ObjectType.CALL: (("hs_call_title",),),
    ObjectType.EMAIL: (("hs_email_subject",),),
    ObjectType.TASK: (("hs_task_subject",),),
    ObjectType.NOTE: (("hs_note_body",),),
    ObjectType.MEETING: (("hs_meeting_title",),),
}

# Properties shown as columns in an object's list, after the name.
LIST_COLUMNS = {
    ObjectType.CONTACT: ("email", "phone", "lifecyclestage"),
    ObjectType.LEAD: ("email", "phone", "hs_lead_status"),
    ObjectType.COMPANY: ("domain", "city", "industry"),
    ObjectType.DEAL: ("amount", "dealstage", "closedate"),
    ObjectType.PRODUCT: ("hs_sku", "price"),
    ObjectType.INVOICE: ("hs_amount_billed", "hs_currency", "hs_invoice_status"),
    ObjectType.TICKET: ("hs_pipeline_stage", "hs_ticket_priority"),
    ObjectType.CALL: ("hs_timestamp", "hs_call_direction"),
    ObjectType.EMAIL: ("hs_timestamp", "hs_email_direction"),
    ObjectType.TASK: ("hs_timestamp", "hs_task_status"),
    ObjectType.NOTE: ("hs_timestamp",),
    ObjectType.MEETING: ("hs_meeting_start_time", "hs_meeting_location"),
}

# Which associations make sense, and their label. (from, to) pairs; stored once.
ASSOCIATION_KINDS = {
    (ObjectType.CONTACT, ObjectType.COMPANY): _("Company"),
    (ObjectType.DEAL, ObjectType.COMPANY): _("Company"),
    (ObjectType.DEAL, ObjectType.CONTACT): _("Contact"),
    (ObjectType.TICKET, ObjectType.CONTACT): _("Contact"),
    (ObjectType.TICKET, ObjectType.COMPANY): _("Company"),
    (ObjectType.INVOICE, ObjectType.CONTACT): _("Contact"),
    (ObjectType.INVOICE, ObjectType.COMPANY): _("Company"),
    (ObjectType.DEAL, ObjectType.PRODUCT): _("Product"),
    **{(activity, ObjectType.CONTACT): _("Contact") for activity in ACTIVITY_TYPES},
    **{(activity, ObjectType.COMPANY): _("Company") for activity in ACTIVITY_TYPES},
    **{(activity, ObjectType.DEAL): _("Deal") for activity in ACTIVITY_TYPES},
}

