"""Custom fields: discovered from the fields API, read and written through `custom_fields`.

Custom fields exist on deals, organizations, persons and products only; their
keys are 40-character hashes that differ per company. In API v2 their values sit
in a `custom_fields` object: options as ids, multiple options as lists of ids,
money as `{"value", "currency"}`, addresses as `{"value", …}`; null clears one.
https://pipedrive.readme.io/docs/core-api-concepts-custom-fields
https://pipedrive.readme.io/docs/pipedrive-api-v2-migration-guide
"""

import json
from collections.abc import Callable

from connectors.pipedrive import values as v
from connectors.sdk.errors import ConnectorError, ErrorCategory
from connectors.sdk.spec import Field, FieldType, Option

TYPES = {
    "varchar": FieldType.TEXT,
    "varchar_auto": FieldType.TEXT,
    "text": FieldType.TEXTAREA,
    "double": FieldType.NUMBER,
    "int": FieldType.NUMBER,
    "monetary": FieldType.NUMBER,
    "phone": FieldType.PHONE,
    "date": FieldType.DATE,
    "time": FieldType.TEXT,
    "enum": FieldType.ENUMERATION,
    "set": FieldType.MULTI_ENUMERATION,
    "boolean": FieldType.BOOLEAN,
    "address": FieldType.TEXT,
    "user": FieldType.OWNER,
    "org": FieldType.REFERENCE,
    "people": FieldType.REFERENCE,
}
# Ranges have two values; they are shown but not written.
READ_ONLY_TYPES = {"daterange", "timerange"}
MULTI_SEPARATOR = ";"


def field_from_metadata(meta: object) -> tuple[Field, str] | None:
    """(Field, Pipedrive field_type) for one custom field of a v2 fields list."""
    if not isinstance(meta, dict) or not meta.get("is_custom_field"):
        return None
    key, label, kind = meta.get("field_code"), meta.get("field_name"), meta.get("field_type")
    if not (isinstance(key, str) and key and isinstance(kind, str)):
        return None
    options = tuple(
        Option(value=str(o["id"]), label=str(o.get("label") or o["id"]))
        for o in meta.get("options") or ()
        if isinstance(o, dict) and o.get("id") is not None
    )
    field = Field(
        name=key,
        label=str(label or key),
        type=TYPES.get(kind, FieldType.TEXT),
        read_only=kind in READ_ONLY_TYPES or kind not in TYPES,
        options=options,
        custom=True,
    )
    return field, kind


def read_value(raw: object) -> str | None:
    """One custom value as a canonical string, whatever its type (no metadata needed)."""
    if raw is None or raw == "":
        result = None
    elif isinstance(raw, bool):
        result = v.boolean(raw)
    elif isinstance(raw, int | float):
        result = v.number(raw)
    elif isinstance(raw, list):
        parts = [read_value(item) for item in raw]
        result = MULTI_SEPARATOR.join(p for p in parts if p) or None
    elif isinstance(raw, dict):
        result = _read_object(raw)
    else:
        result = str(raw)
    return result


def _read_object(raw: dict) -> str | None:
    """Ranges as `start/end`; money, addresses and option objects by their value."""
    if "start" in raw or "end" in raw:
        return f"{raw.get('start') or ''}/{raw.get('end') or ''}"
    for key in ("value", "id"):
        if key in raw:
            return read_value(raw[key])
    return json.dumps(raw, sort_keys=True)


# How a non-empty value is written (write_value answers None for an empty one).
_WRITERS: dict[str, Callable[[str, str], object]] = {
    "enum": v.to_int,
    "user": v.to_int,
    "org": v.to_int,
    "people": v.to_int,
    "int": v.to_int,
    "double": v.to_number,
    "boolean": v.to_bool,
    "date": v.to_date,
    "set": lambda name, value: [
        v.to_int(name, part) for part in value.split(MULTI_SEPARATOR) if part.strip()
    ],
    "address": lambda _name, value: {"value": value},
}


def write_value(name: str, kind: str, value: str | None, currency: str) -> object:
    """The v2 request value of one custom field of Pipedrive type `kind`."""
    if kind in READ_ONLY_TYPES or kind not in TYPES:
        raise ConnectorError(
            ErrorCategory.READ_ONLY, f"{name}: Pipedrive {kind} fields are not written.",
            field=name,
        )
    if value is None or value == "":
        return None
    if kind == "monetary":
        return {"value": v.to_number(name, value), "currency": currency}
    writer = _WRITERS.get(kind)
    return writer(name, value) if writer else value
