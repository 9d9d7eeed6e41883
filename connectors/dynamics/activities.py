"""Phone calls, emails, tasks, appointments and notes.

The four activity tables share the activity columns (primary key `activityid`,
`subject`, `description`, `scheduledstart`/`scheduledend`) and a polymorphic
"Regarding" lookup. Notes are not activities: they are `annotation` rows tied to
a record through `objectid`, and the table cannot take custom columns.
https://learn.microsoft.com/power-apps/developer/data-platform/activity-entities
https://learn.microsoft.com/power-apps/developer/data-platform/annotation-note-entity
"""

from connectors.dynamics.entities import (
    CAPABILITIES,
    LABELS,
    SYSTEM_TIMES,
    Entity,
    associations,
    lookup,
    regarding,
)
from connectors.sdk import Field, Mapping, ObjectSpec, Option
from connectors.sdk import FieldType as T
from connectors.sdk.spec import Direction

PRIORITIES = (Option("0", "Low"), Option("1", "Normal"), Option("2", "High"))
ACTIVITY_STATES = (Option("0", "Open"), Option("1", "Completed"), Option("2", "Canceled"))


def _activity(name: str, label: str, hub_object: str, fields: tuple, mappings: tuple) -> Entity:
    link = regarding(name)
    return Entity(
        spec=ObjectSpec(
            name=f"{name}s",
            label=label,
            hub_object=hub_object,
            fields=(
                Field("subject", "Subject"),
                Field("description", "Description", T.TEXTAREA),
                *fields,
                Field("prioritycode", "Priority", T.ENUMERATION, options=PRIORITIES),
                # Completing an activity goes through statecode/statuscode together.
                Field("statecode", "Activity Status", T.ENUMERATION, read_only=True,
                      options=ACTIVITY_STATES),
                *SYSTEM_TIMES,
            ),
            default_mappings=mappings,
            capabilities=CAPABILITIES,
            associations=associations(link, labels=LABELS),
        ),
        logical_name=name,
        primary_id="activityid",
        lookups=(link,),
    )


PHONECALLS = _activity(
    "phonecall", "Phone Calls", "call",
    fields=(
        Field("phonenumber", "Phone Number", T.PHONE),
        Field("directioncode", "Outgoing", T.BOOLEAN),
        Field("scheduledend", "Due", T.DATETIME),
        Field("actualdurationminutes", "Duration (minutes)", T.NUMBER),
    ),
    mappings=(
        Mapping("subject", "hs_call_title", required=True),
        Mapping("description", "hs_call_body"),
        Mapping("scheduledend", "hs_timestamp"),
    ),
)

EMAILS = _activity(
    "email", "Email Messages", "email",
    fields=(
        Field("directioncode", "Outgoing", T.BOOLEAN),
        Field("actualend", "Actual End", T.DATETIME),
        Field("senton", "Date Sent", T.DATETIME, read_only=True),
    ),
    mappings=(
        Mapping("subject", "hs_email_subject", required=True),
        Mapping("description", "hs_email_text"),
        Mapping("actualend", "hs_timestamp"),
    ),
)

TASKS = _activity(
    "task", "Tasks", "task",
    fields=(
        Field("scheduledend", "Due Date", T.DATETIME),
        Field("percentcomplete", "Percent Complete", T.NUMBER),
    ),
    mappings=(
        Mapping("subject", "hs_task_subject", required=True),
        Mapping("description", "hs_task_body"),
        Mapping("scheduledend", "hs_timestamp"),
    ),
)

APPOINTMENTS = _activity(
    "appointment", "Appointments", "meeting",
    fields=(
        Field("scheduledstart", "Start Time", T.DATETIME),
        Field("scheduledend", "End Time", T.DATETIME),
        Field("location", "Location"),
        Field("isalldayevent", "All Day Event", T.BOOLEAN),
    ),
    mappings=(
        Mapping("subject", "hs_meeting_title", required=True),
        Mapping("description", "hs_meeting_body"),
        Mapping("scheduledstart", "hs_meeting_start_time"),
        Mapping("scheduledend", "hs_meeting_end_time"),
        Mapping("location", "hs_meeting_location"),
    ),
)

_NOTE_OBJECT = lookup(
    "objectid",
    contacts=("contact", "objectid_contact"),
    accounts=("account", "objectid_account"),
    opportunities=("opportunity", "objectid_opportunity"),
)

ANNOTATIONS = Entity(
    spec=ObjectSpec(
        name="annotations",
        label="Notes",
        hub_object="note",
        fields=(
            Field("subject", "Title"),
            Field("notetext", "Description", T.TEXTAREA),
            *SYSTEM_TIMES,
        ),
        default_mappings=(
            Mapping("notetext", "hs_note_body", required=True),
            # A note's date is when it was written; Dataverse sets it.
            Mapping("createdon", "hs_timestamp", direction=Direction.TO_HUB),
        ),
        capabilities=CAPABILITIES,
        associations=associations(_NOTE_OBJECT, labels=LABELS),
    ),
    logical_name="annotation",
    primary_id="annotationid",
    lookups=(_NOTE_OBJECT,),
    customizable=False,
)
