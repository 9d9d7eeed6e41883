"""Zoho JSON values <-> the flat values the engine syncs (strings, None for empty).

Zoho sends a lookup or an owner as `{"name": …, "id": …}`, a multi-select as a
list, numbers and booleans as JSON, and times in the organization's zone with an
offset (`2026-12-06T18:22:58+05:30`). The engine keeps a time as UTC
`YYYY-MM-DDTHH:MM:SSZ`.
https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
"""

import datetime as dt

from connectors.sdk.spec import Field, FieldType

T = FieldType


def parse_time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def canonical_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def zoho_time(moment: dt.datetime) -> str:
    """A time as Zoho takes it (If-Modified-Since, datetime fields)."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _number(value: float | int) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def from_zoho(value: object, kind: FieldType) -> str | None:  # noqa: PLR0911 - one per kind
    """One field of a record as the engine keeps it."""
    if value is None or value in ("", []):
        return None
    if isinstance(value, dict):
        return str(value["id"]) if value.get("id") is not None else None
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _number(value)
    if kind is T.DATETIME:
        moment = parse_time(value)
        return canonical_time(moment) if moment else str(value)
    return str(value)


def to_zoho(value: str | None, kind: FieldType) -> object:  # noqa: PLR0911 - one per kind
    """One flat value as Zoho's API takes it; an unreadable one goes as it is, for
    Zoho to refuse in its own words (INVALID_DATA)."""
    if value is None or value == "":
        return None
    if kind is T.NUMBER:
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    if kind is T.BOOLEAN:
        return {"true": True, "false": False}.get(value.lower(), value)
    if kind in (T.REFERENCE, T.OWNER):
        return {"id": value}
    if kind is T.MULTI_ENUMERATION:
        return [part for part in value.split(";") if part]
    if kind is T.DATETIME:
        moment = parse_time(value)
        return zoho_time(moment) if moment else value
    return value


def record_values(row: dict, fields: tuple[Field, ...]) -> dict:
    """A record's declared fields (static and custom), flattened."""
    return {f.name: from_zoho(row.get(f.name), f.type) for f in fields}


def write_body(values: dict, fields: dict[str, Field]) -> dict:
    """The JSON of one record to write: known fields only, typed as Zoho takes them."""
    return {name: to_zoho(value, fields[name].type if name in fields else T.TEXT)
            for name, value in values.items()}
