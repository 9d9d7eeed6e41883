"""Persons (API v2) <-> flat values.

Pipedrive stores one `name`; `first_name` and `last_name` are derived from it and
cannot be written. We still offer them as writable fields, because the hub keeps
first and last names apart: a write composes `name` from them (reading the
stored half when only one changes). Emails and phones are lists; the primary
entry is the flat value, and the other entries survive a write.
https://developers.pipedrive.com/docs/api/v1/Persons#updatePerson
"""

from connectors.pipedrive import values as v
from connectors.pipedrive.adapter import (
    Adapter,
    Context,
    address_fields,
    as_text,
    copy_simple,
    primary_value,
    read_address,
    with_primary,
    write_address,
)

ADDRESS = "postal_address"  # only present once "contact sync" is set up in the company
_NAME_PARTS = ("first_name", "last_name")
_NEEDS_STORED = ("email", "phone", *address_fields(ADDRESS))

_WRITERS = {
    "job_title": as_text,
    "birthday": v.to_date,
    "org_id": v.to_int,
    "owner_id": v.to_int,
}


class Persons(Adapter):
    name = "persons"
    api = "v2"
    path = "/persons"
    fields_path = "/personFields"
    recents_item = "person"

    def to_values(self, raw: dict, context: Context) -> dict:
        return {
            "name": v.text(raw.get("name")),
            "first_name": v.text(raw.get("first_name")),
            "last_name": v.text(raw.get("last_name")),
            "email": primary_value(raw.get("emails")),
            "phone": primary_value(raw.get("phones")),
            "job_title": v.text(raw.get("job_title")),
            "birthday": v.text(raw.get("birthday")),
            **read_address(raw, ADDRESS),
            "org_id": v.reference(raw.get("org_id")),
            "owner_id": v.reference(raw.get("owner_id")),
            "add_time": v.timestamp(raw.get("add_time")),
            "update_time": v.timestamp(raw.get("update_time")),
        }

    def needs_current(self, values: dict) -> bool:
        composing = "name" not in values and any(p in values for p in _NAME_PARTS)
        return composing or any(field in values for field in _NEEDS_STORED)

    def to_payload(self, values: dict, current: dict | None, context: Context) -> dict:
        stored = current or {}
        payload: dict = {}
        name = _full_name(values, stored)
        if name is not None or "name" in values:
            payload["name"] = name
        if "email" in values:
            payload["emails"] = with_primary(stored.get("emails"), values["email"])
        if "phone" in values:
            payload["phones"] = with_primary(stored.get("phones"), values["phone"])
        copy_simple(values, payload, _WRITERS)
        write_address(values, current, ADDRESS, payload)
        return payload


def _full_name(values: dict, stored: dict) -> str | None:
    """`name` as given, else composed from first and last name; None: unchanged."""
    if "name" in values:
        return v.to_text(values["name"])
    if not any(part in values for part in _NAME_PARTS):
        return None
    first, last = (
        values[part] if part in values else v.text(stored.get(part)) for part in _NAME_PARTS
    )
    return " ".join(part.strip() for part in (first, last) if part and part.strip()) or ""
