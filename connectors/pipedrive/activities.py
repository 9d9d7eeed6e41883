"""Activities (API v2) <-> flat values; they pair with hub tasks.

An activity is a scheduled to-do of some `type` (call, meeting, task, …) with a
due date, an optional due time (UTC), a done flag and a note, which is the
shape of a hub task; a hub call or meeting is a record of something that
happened, with a duration and direction Pipedrive does not keep. `due_date` and
`due_time` travel as one timestamp, `due_at`. Activities have no custom fields.
https://developers.pipedrive.com/docs/api/v1/Activities#addActivity
"""

import datetime as dt

from connectors.pipedrive import values as v
from connectors.pipedrive.adapter import Adapter, Context, as_text, copy_simple

_WRITERS = {
    "subject": as_text,
    "type": as_text,  # the key of one of the account's activity types
    "duration": as_text,
    "done": v.to_bool,
    "busy": v.to_bool,
    "note": as_text,
    "public_description": as_text,
    "priority": v.to_int,
    "person_id": v.to_int,
    "org_id": v.to_int,
    "deal_id": v.to_int,
    "owner_id": v.to_int,
}


class Activities(Adapter):
    name = "activities"
    api = "v2"
    path = "/activities"
    recents_item = "activity"

    def to_values(self, raw: dict, context: Context) -> dict:
        location = raw.get("location")
        return {
            "subject": v.text(raw.get("subject")),
            "type": v.text(raw.get("type")),
            "due_at": _due_at(raw.get("due_date"), raw.get("due_time")),
            "duration": v.text(raw.get("duration")),
            "done": v.boolean(raw.get("done")),
            "busy": v.boolean(raw.get("busy")),
            "note": v.text(raw.get("note")),
            "public_description": v.text(raw.get("public_description")),
            "location": v.text(location.get("value")) if isinstance(location, dict) else None,
            "priority": v.reference(raw.get("priority")),
            "marked_as_done_time": v.timestamp(raw.get("marked_as_done_time")),
            "person_id": v.reference(raw.get("person_id")),
            "org_id": v.reference(raw.get("org_id")),
            "deal_id": v.reference(raw.get("deal_id")),
            "owner_id": v.reference(raw.get("owner_id")),
            "add_time": v.timestamp(raw.get("add_time")),
            "update_time": v.timestamp(raw.get("update_time")),
        }

    def to_payload(self, values: dict, current: dict | None, context: Context) -> dict:
        payload: dict = {}
        copy_simple(values, payload, _WRITERS)
        if "location" in values:
            location = values["location"]
            payload["location"] = {"value": location} if location else None
        if "due_at" in values:
            due = v.to_moment("due_at", values["due_at"])
            payload["due_date"] = due.date().isoformat() if due else None
            payload["due_time"] = due.strftime("%H:%M") if due else None
        return payload


def _due_at(due_date: object, due_time: object) -> str | None:
    """`2024-05-01` + `15:30` (UTC) -> `2024-05-01T15:30:00Z`; no time: midnight."""
    if not isinstance(due_date, str) or not due_date:
        return None
    try:
        day = dt.date.fromisoformat(due_date)
        clock = dt.time.fromisoformat(due_time) if isinstance(due_time, str) and due_time else None
    except ValueError:
        return None
    return v.iso(dt.datetime.combine(day, clock or dt.time(), tzinfo=dt.UTC))
