"""Notes (API v1: notes have no v2 endpoints yet) <-> flat values.

A note must hang off a deal, person, organization, lead or project; its
`content` is HTML. v1 timestamps are `YYYY-MM-DD HH:MM:SS` in UTC, and v1
updates with PUT. Notes have no custom fields.
https://developers.pipedrive.com/docs/api/v1/Notes#addNote
"""

from connectors.pipedrive import values as v
from connectors.pipedrive.adapter import Adapter, Context, as_text, copy_simple

_WRITERS = {
    "content": as_text,
    "person_id": v.to_int,
    "org_id": v.to_int,
    "deal_id": v.to_int,
    "lead_id": as_text,
    "user_id": v.to_int,
}


class Notes(Adapter):
    name = "notes"
    api = "v1"
    path = "/notes"
    recents_item = "note"
    update_method = "PUT"

    def to_values(self, raw: dict, context: Context) -> dict:
        return {
            "content": v.text(raw.get("content")),
            "add_time": v.timestamp(raw.get("add_time")),
            "person_id": v.reference(raw.get("person_id")),
            "org_id": v.reference(raw.get("org_id")),
            "deal_id": v.reference(raw.get("deal_id")),
            "lead_id": v.text(raw.get("lead_id")),
            "user_id": v.reference(raw.get("user_id")),
            "update_time": v.timestamp(raw.get("update_time")),
        }

    def to_payload(self, values: dict, current: dict | None, context: Context) -> dict:
        payload: dict = {}
        copy_simple(values, payload, _WRITERS)
        if "add_time" in values:
            moment = v.to_moment("add_time", values["add_time"])
            payload["add_time"] = v.v1_time(moment) if moment else None
        return payload
