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
from connectors.sdk.text import _, pgettext

PRIORITIES = (Option("0", _("Low")), Option("1", _("Normal")), Option("2", _("High")))
ACTIVITY_STATES = (Option("0", _("Open")), Option("1", _("Completed")), Option("2", _("Canceled")))


def _activity(name: str, label: str, hub_object: str, fields: tuple, mappings: tuple) -> Entity:
    link = regarding(name)
    return Entity(
        spec=ObjectSpec(
            name=f"{name}s",
            label=label,
            hub_object=hub_object,
            fields=(
                Field("subject", _("Subject")),
                Field("description", _("Description"), T.TEXTAREA),
                *fields,
                Field("prioritycode", _("Priority"), T.ENUMERATION, options=PRIORITIES),
                # Completing an activity goes through statecode/statuscode together.
                Field("statecode", _("Activity Status"), T.ENUMERATION, read_only=True,
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
    "phonecall", _("Phone Calls"), "call",
    fields=(
        Field("phonenumber", _("Phone Number"), T.PHONE),
        Field("directioncode", _("Outgoing"), T.BOOLEAN),
        Field("scheduledend", _("Due"), T.DATETIME),
        Field("actualdurationminutes", _("Duration (minutes)"), T.NUMBER),
    ),
    mappings=(
        Mapping("subject", "hs_call_title", required=True),
        Mapping("description", "hs_call_body"),
        Mapping("scheduledend", "hs_timestamp"),
    ),
)

EMAILS = _activity(
    "email", _("Email Messages"), "email",
    fields=(
        Field("directioncode", _("Outgoing"), T.BOOLEAN),
        Field("actualend", _("Actual End"), T.DATETIME),
        Field("senton", _("Date Sent"), T.DATETIME, read_only=True),
    ),
    mappings=(
        Mapping("subject", "hs_email_subject", required=True),
        Mapping("description", "hs_email_text"),
        Mapping("actualend", "hs_timestamp"),
    ),
)

TASKS = _activity(
    "task", _("Tasks"), "task",
    fields=(
        Field("scheduledend", _("Due Date"), T.DATETIME),
        Field("percentcomplete", _("Percent Complete"), T.NUMBER),
    ),
    mappings=(
        Mapping("subject", "hs_task_subject", required=True),
        Mapping("description", "hs_task_body"),
        Mapping("scheduledend", "hs_timestamp"),
    ),
)

APPOINTMENTS = _activity(
    "appointment", _("Appointments"), "meeting",
    fields=(
        Field("scheduledstart", _("Start Time"), T.DATETIME),
        Field("scheduledend", _("End Time"), T.DATETIME),
        Field("location", _("Location")),
        Field("isalldayevent", _("All Day Event"), T.BOOLEAN),
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
        label=pgettext("dynamics", "Notes"),
        hub_object="note",
        fields=(
            Field("subject", _("Title")),
            Field("notetext", _("Description"), T.TEXTAREA),
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
