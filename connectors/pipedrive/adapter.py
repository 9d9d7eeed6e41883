"""What every Pipedrive object module provides, and the nested shapes they share.

An adapter turns one vendor record into flat values keyed by the field names in
`spec.py`, and flat values back into a request body. Custom fields (the
`custom_fields` object of API v2) are handled once, in `custom_fields.py`.
"""

from dataclasses import dataclass

from connectors.pipedrive import values as v


@dataclass(frozen=True)
class Context:
    """Account settings a payload depends on."""

    # The company's default currency (users/me); None while unknown, on reads.
    currency: str | None = None


class Adapter:
    name: str  # the object's name in the spec: "persons"
    api: str  # which API serves it: "v2" or "v1"
    path: str  # its collection below that API's root: "/persons"
    fields_path: str | None = None  # its fields metadata; None: no custom fields
    recents_item: str  # its item name in /v1/recents and webhooks: "person"
    update_method: str = "PATCH"  # v2 updates with PATCH, v1 with PUT
    uses_currency: bool = False  # whether its values depend on the default currency

    def to_values(self, raw: dict, context: Context) -> dict:
        raise NotImplementedError

    def to_payload(self, values: dict, current: dict | None, context: Context) -> dict:
        """The request body for `values`; `current` is the record being updated."""
        raise NotImplementedError

    def needs_current(self, values: dict) -> bool:
        """Whether an update of `values` must start from the stored record."""
        return False


def is_deleted(raw: object) -> bool:
    """v2 says `is_deleted`; v1 says `active_flag: false` (deals: `deleted: true`)."""
    if not isinstance(raw, dict):
        return False
    return bool(raw.get("is_deleted") or raw.get("deleted")) or raw.get("active_flag") is False


def copy_simple(values: dict, payload: dict, writers: dict) -> None:
    """Fields that map one-to-one: `writers` maps the field name to its converter."""
    for name, convert in writers.items():
        if name in values:
            payload[name] = convert(name, values[name])


def as_text(_name: str, value: str | None) -> str | None:
    return v.to_text(value)


# --- lists of labelled values (emails, phones) -----------------------------------------


def primary_value(items: object) -> str | None:
    """The primary entry of `[{"value", "primary", "label"}, …]`, else the first."""
    if not isinstance(items, list):
        return None
    entries = [i for i in items if isinstance(i, dict) and v.text(i.get("value"))]
    chosen = next((i for i in entries if i.get("primary")), entries[0] if entries else None)
    return v.text(chosen.get("value")) if chosen else None


def with_primary(items: object, value: str | None, default_label: str = "work") -> list[dict]:
    """`items` with `value` as the primary entry (None removes the primary one).

    The other entries are kept: Pipedrive replaces the whole list on update.
    """
    entries = [dict(i) for i in items if isinstance(i, dict)] if isinstance(items, list) else []
    old = next((i for i in entries if i.get("primary")), entries[0] if entries else None)
    label = (old or {}).get("label") or default_label
    rest = [
        {"value": i.get("value"), "primary": False, "label": i.get("label") or default_label}
        for i in entries
        if i is not old and v.text(i.get("value"))
        and str(i.get("value")).lower() != str(value or "").lower()
    ]
    if value is None:
        if rest:
            rest[0]["primary"] = True
        return rest
    return [{"value": value, "primary": True, "label": label}, *rest]


# --- addresses: {"value", "locality", "admin_area_level_1", …} -------------------------

ADDRESS_PARTS = ("value", "locality", "admin_area_level_1", "postal_code", "country")


def address_fields(prefix: str) -> dict[str, str]:
    """Flat field name -> address part: "postal_address" -> "value", …"""
    return {(prefix if part == "value" else f"{prefix}_{part}"): part for part in ADDRESS_PARTS}


def read_address(raw: dict, prefix: str) -> dict:
    address = raw.get(prefix)
    address = address if isinstance(address, dict) else {}
    return {name: v.text(address.get(part)) for name, part in address_fields(prefix).items()}


def write_address(values: dict, current: dict | None, prefix: str, payload: dict) -> None:
    names = address_fields(prefix)
    if not any(name in values for name in names):
        return
    stored = (current or {}).get(prefix)
    merged = {k: val for k, val in (stored or {}).items() if k in ADDRESS_PARTS and val}
    for name, part in names.items():
        if name in values:
            merged[part] = values[name]
    kept = {part: val for part, val in merged.items() if val not in (None, "")}
    payload[prefix] = kept or None
