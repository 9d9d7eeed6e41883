"""The activity objects (HubSpot "engagements"): calls, emails, tasks, notes, meetings.

Each is a CRM object of its own under /crm/v3/objects/<type> with the same
shape as contacts; `hs_timestamp` (when the activity happened or is due) is
required on create for every one of them.
https://developers.hubspot.com/docs/api/crm/engagements
"""

from connectors.hubspot.crm import CAPABILITIES, OWNER, options, same_names, timestamps
from connectors.sdk import AssociationSpec, Field, ObjectSpec
from connectors.sdk import FieldType as T

_ASSOCIATIONS = (
    AssociationSpec("contacts", "Contact"),
    AssociationSpec("companies", "Company"),
    AssociationSpec("deals", "Deal"),
)


# Engagements name their creation time hs_createdate.
ENGAGEMENT_TIMES = timestamps(created="hs_createdate")


def _timestamp(label: str = "Activity date") -> Field:
    return Field("hs_timestamp", label, T.DATETIME, required=True)


CALLS = ObjectSpec(
    name="calls", label="Calls", hub_object="call",
    fields=(
        Field("hs_call_title", "Call title"),
        Field("hs_call_body", "Call notes", T.TEXTAREA),
        _timestamp(),
        Field("hs_call_duration", "Call duration (ms)", T.NUMBER),
        Field("hs_call_direction", "Call direction", T.ENUMERATION,
              options=options(("INBOUND", "Inbound"), ("OUTBOUND", "Outbound"))),
        Field("hs_call_status", "Call status", T.ENUMERATION, options=options(
            ("COMPLETED", "Completed"), ("BUSY", "Busy"), ("NO_ANSWER", "No answer"),
            ("FAILED", "Failed"), ("CANCELED", "Canceled"), ("IN_PROGRESS", "In progress"))),
        Field("hs_call_to_number", "To number", T.PHONE),
        Field("hs_call_from_number", "From number", T.PHONE),
        OWNER, *ENGAGEMENT_TIMES,
    ),
    default_mappings=same_names(
        "hs_call_title", "hs_call_body", "hs_timestamp", "hs_call_duration",
        "hs_call_direction", required=("hs_timestamp",),
    ),
    capabilities=CAPABILITIES, associations=_ASSOCIATIONS,
)

EMAILS = ObjectSpec(
    name="emails", label="Emails", hub_object="email",
    fields=(
        Field("hs_email_subject", "Email subject"),
        Field("hs_email_text", "Email body", T.TEXTAREA),
        _timestamp(),
        Field("hs_email_direction", "Email direction", T.ENUMERATION, options=options(
            ("EMAIL", "Sent"), ("INCOMING_EMAIL", "Received"),
            ("FORWARDED_EMAIL", "Forwarded"))),
        Field("hs_email_status", "Email send status", T.ENUMERATION, options=options(
            ("SENT", "Sent"), ("SCHEDULED", "Scheduled"), ("SENDING", "Sending"),
            ("BOUNCED", "Bounced"), ("FAILED", "Failed"))),
        OWNER, *ENGAGEMENT_TIMES,
    ),
    default_mappings=same_names(
        "hs_email_subject", "hs_email_text", "hs_timestamp", "hs_email_direction",
        required=("hs_timestamp",),
    ),
    capabilities=CAPABILITIES, associations=_ASSOCIATIONS,
)

TASKS = ObjectSpec(
    name="tasks", label="Tasks", hub_object="task",
    fields=(
        Field("hs_task_subject", "Task title"),
        Field("hs_task_body", "Task notes", T.TEXTAREA),
        _timestamp("Due date"),
        Field("hs_task_status", "Task status", T.ENUMERATION, options=options(
            ("NOT_STARTED", "Not started"), ("IN_PROGRESS", "In progress"),
            ("WAITING", "Waiting"), ("COMPLETED", "Completed"), ("DEFERRED", "Deferred"))),
        Field("hs_task_priority", "Priority", T.ENUMERATION, options=options(
            ("NONE", "None"), ("LOW", "Low"), ("MEDIUM", "Medium"), ("HIGH", "High"))),
        Field("hs_task_type", "Task type", T.ENUMERATION, options=options(
            ("TODO", "To-do"), ("CALL", "Call"), ("EMAIL", "Email"))),
        OWNER, *ENGAGEMENT_TIMES,
    ),
    default_mappings=same_names(
        "hs_task_subject", "hs_task_body", "hs_timestamp", "hs_task_status",
        "hs_task_priority", required=("hs_timestamp",),
    ),
    capabilities=CAPABILITIES, associations=_ASSOCIATIONS,
)

NOTES = ObjectSpec(
    name="notes", label="Notes", hub_object="note",
    fields=(
        Field("hs_note_body", "Note body", T.TEXTAREA),
        _timestamp(),
        OWNER, *ENGAGEMENT_TIMES,
    ),
    default_mappings=same_names("hs_note_body", "hs_timestamp", required=("hs_timestamp",)),
    capabilities=CAPABILITIES, associations=_ASSOCIATIONS,
)

MEETINGS = ObjectSpec(
    name="meetings", label="Meetings", hub_object="meeting",
    fields=(
        Field("hs_meeting_title", "Meeting name"),
        Field("hs_meeting_body", "Meeting description", T.TEXTAREA),
        _timestamp(),
        Field("hs_meeting_start_time", "Start time", T.DATETIME),
        Field("hs_meeting_end_time", "End time", T.DATETIME),
        Field("hs_meeting_location", "Location"),
        Field("hs_meeting_outcome", "Outcome", T.ENUMERATION, options=options(
            ("SCHEDULED", "Scheduled"), ("COMPLETED", "Completed"),
            ("RESCHEDULED", "Rescheduled"), ("NO_SHOW", "No show"), ("CANCELED", "Canceled"))),
        OWNER, *ENGAGEMENT_TIMES,
    ),
    default_mappings=same_names(
        "hs_meeting_title", "hs_meeting_body", "hs_meeting_start_time",
        "hs_meeting_end_time", "hs_meeting_location",
    ),
    capabilities=CAPABILITIES, associations=_ASSOCIATIONS,
)

ACTIVITY_OBJECTS = (CALLS, EMAILS, TASKS, NOTES, MEETINGS)


def create_defaults(object_name: str, values: dict) -> dict:
    """Values HubSpot needs on create that the hub may not carry.

    The hub's meetings have a start time but no `hs_timestamp`, which HubSpot
    requires; for meetings it is documented as the start time.
    https://developers.hubspot.com/docs/api/crm/meetings
    """
    if object_name == MEETINGS.name and not values.get("hs_timestamp"):
        start = values.get("hs_meeting_start_time")
        if start:
            return {**values, "hs_timestamp": start}
    return values
