"""Deals (API v2) <-> flat values.

`stage_id` and `pipeline_id` are ids of the account's own pipelines, so they have
no default mapping to the hub's stage names. v2 refuses numbers sent as strings.
https://developers.pipedrive.com/docs/api/v1/Deals#addDeal
"""

from connectors.pipedrive import values as v
from connectors.pipedrive.adapter import Adapter, Context, as_text, copy_simple

_WRITERS = {
    "title": as_text,
    "value": v.to_number,
    "currency": as_text,
    "status": as_text,  # open / won / lost: Pipedrive itself refuses anything else
    "stage_id": v.to_int,
    "pipeline_id": v.to_int,
    "probability": v.to_number,
    "expected_close_date": v.to_date,
    "lost_reason": as_text,
    "person_id": v.to_int,
    "org_id": v.to_int,
    "owner_id": v.to_int,
}


class Deals(Adapter):
    name = "deals"
    api = "v2"
    path = "/deals"
    fields_path = "/dealFields"
    recents_item = "deal"

    def to_values(self, raw: dict, context: Context) -> dict:
        return {
            "title": v.text(raw.get("title")),
            "value": v.number(raw.get("value")),
            "currency": v.text(raw.get("currency")),
            "status": v.text(raw.get("status")),
            "stage_id": v.reference(raw.get("stage_id")),
            "pipeline_id": v.reference(raw.get("pipeline_id")),
            "probability": v.number(raw.get("probability")),
            "expected_close_date": v.text(raw.get("expected_close_date")),
            "lost_reason": v.text(raw.get("lost_reason")),
            "close_time": v.timestamp(raw.get("close_time")),
            "won_time": v.timestamp(raw.get("won_time")),
            "lost_time": v.timestamp(raw.get("lost_time")),
            "person_id": v.reference(raw.get("person_id")),
            "org_id": v.reference(raw.get("org_id")),
            "owner_id": v.reference(raw.get("owner_id")),
            "add_time": v.timestamp(raw.get("add_time")),
            "update_time": v.timestamp(raw.get("update_time")),
        }

    def to_payload(self, values: dict, current: dict | None, context: Context) -> dict:
        payload: dict = {}
        copy_simple(values, payload, _WRITERS)
        return payload
