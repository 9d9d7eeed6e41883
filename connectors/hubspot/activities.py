"""The activity objects (HubSpot "engagements"): calls, emails, tasks, notes, meetings.

Each is a CRM object of its own under /crm/v3/objects/<type> with the same
shape as contacts; `hs_timestamp` (when the activity happened or is due) is
required on create for every one of them.
https://developers.hubspot.com/docs/api/crm/engagements
"""

from connectors.hubspot.crm import CAPABILITIES, OWNER, options, same_names, timestamps
from connectors.sdk import AssociationSpec, Field, ObjectSpec
from connectors.sdk import FieldType as T
from connectors.sdk.text import _, pgettext

_ASSOCIATIONS = (
    AssociationSpec("contacts", _("Contact")),
    AssociationSpec("companies", _("Company")),
    AssociationSpec("deals", _("Deal")),
)


# Engagements name their creation time hs_createdate.
ENGAGEMENT_TIMES = timestamps(created="hs_createdate")


def _timestamp(label: str = _("Activity date")) -> Field:
    return Field("hs_timestamp", label, T.DATETIME, required=True)


CALLS = ObjectSpec(
    name="calls", label=_("Calls"), hub_object="call",
    fields=(
        Field("hs_call_title", _("Call title")),
        Field("hs_call_body", _("Call notes"), T.TEXTAREA),
        _timestamp(),
        Field("hs_call_duration", _("Call duration (ms)"), T.NUMBER),
        Field("hs_call_direction", _("Call direction"), T.ENUMERATION,
              options=options(("INBOUND", _("Inbound")), ("OUTBOUND", _("Outbound")))),
        Field("hs_call_status", _("Call status"), T.ENUMERATION, options=options(
            ("COMPLETED", _("Completed")), ("BUSY", _("Busy")), ("NO_ANSWER", _("No answer")),
            ("FAILED", _("Failed")), ("CANCELED", _("Canceled")),
            ("IN_PROGRESS", _("In progress")))),
        Field("hs_call_to_number", _("To number"), T.PHONE),
        Field("hs_call_from_number", _("From number"), T.PHONE),
        OWNER, *ENGAGEMENT_TIMES,
    ),
    default_mappings=same_names(
        "hs_call_title", "hs_call_body", "hs_timestamp", "hs_call_duration",
        "hs_call_direction", required=("hs_timestamp",),
    ),
    capabilities=CAPABILITIES, associations=_ASSOCIATIONS,
)

EMAILS = ObjectSpec(
    name="emails", label=_("Emails"), hub_object="email",
    fields=(
        Field("hs_email_subject", _("Email subject")),
        Field("hs_email_text", _("Email body"), T.TEXTAREA),
        _timestamp(),
        Field("hs_email_direction", _("Email direction"), T.ENUMERATION, options=options(
            ("EMAIL", _("Sent")), ("INCOMING_EMAIL", _("Received")),
            ("FORWARDED_EMAIL", _("Forwarded")))),
        Field("hs_email_status", _("Email send status"), T.ENUMERATION, options=options(
            ("SENT", _("Sent")), ("SCHEDULED", _("Scheduled")), ("SENDING", _("Sending")),
            ("BOUNCED", _("Bounced")), ("FAILED", _("Failed")))),
        OWNER, *ENGAGEMENT_TIMES,
    ),
    default_mappings=same_names(
        "hs_email_subject", "hs_email_text", "hs_timestamp", "hs_email_direction",
        required=("hs_timestamp",),
    ),
    capabilities=CAPABILITIES, associations=_ASSOCIATIONS,
)

TASKS = ObjectSpec(
    name="tasks", label=_("Tasks"), hub_object="task",
    fields=(
        Field("hs_task_subject", _("Task title")),
        Field("hs_task_body", _("Task notes"), T.TEXTAREA),
        _timestamp(_("Due date")),
        Field("hs_task_status", _("Task status"), T.ENUMERATION, options=options(
            ("NOT_STARTED", _("Not started")), ("IN_PROGRESS", _("In progress")),
            ("WAITING", _("Waiting")), ("COMPLETED", _("Completed")), ("DEFERRED", _("Deferred")))),
        Field("hs_task_priority", _("Priority"), T.ENUMERATION, options=options(
            ("NONE", _("None")), ("LOW", _("Low")), ("MEDIUM", _("Medium")), ("HIGH", _("High")))),
        Field("hs_task_type", _("Task type"), T.ENUMERATION, options=options(
            ("TODO", _("To-do")), ("CALL", _("Call")), ("EMAIL", _("Email")))),
        OWNER, *ENGAGEMENT_TIMES,
    ),
    default_mappings=same_names(
        "hs_task_subject", "hs_task_body", "hs_timestamp", "hs_task_status",
        "hs_task_priority", required=("hs_timestamp",),
    ),
    capabilities=CAPABILITIES, associations=_ASSOCIATIONS,
)

NOTES = ObjectSpec(
    name="notes", label=pgettext("hubspot", "Notes"), hub_object="note",
    fields=(
        Field("hs_note_body", _("Note body"), T.TEXTAREA),
        _timestamp(),
        OWNER, *ENGAGEMENT_TIMES,
    ),
    default_mappings=same_names("hs_note_body", "hs_timestamp", required=("hs_timestamp",)),
    capabilities=CAPABILITIES, associations=_ASSOCIATIONS,
)

MEETINGS = ObjectSpec(
    name="meetings", label=_("Meetings"), hub_object="meeting",
    fields=(
        Field("hs_meeting_title", _("Meeting name")),
        Field("hs_meeting_body", _("Meeting description"), T.TEXTAREA),
        _timestamp(),
        Field("hs_meeting_start_time", _("Start time"), T.DATETIME),
        Field("hs_meeting_end_time", _("End time"), T.DATETIME),
        Field("hs_meeting_location", _("Location")),
        Field("hs_meeting_outcome", _("Outcome"), T.ENUMERATION, options=options(
            ("SCHEDULED", _("Scheduled")), ("COMPLETED", _("Completed")),
            ("RESCHEDULED", _("Rescheduled")), ("NO_SHOW", _("No show")),
            ("CANCELED", _("Canceled")))),
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
