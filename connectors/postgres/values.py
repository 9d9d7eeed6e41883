"""Database values <-> the canonical strings every connector hands over."""

import datetime as dt
from decimal import Decimal

from connectors.sdk.spec import FieldType


def canonical(kind: FieldType, value: object) -> str | None:
    """A value read from the table as the product's canonical string (None: empty)."""
    if value is None:
        return None
    if kind is FieldType.BOOLEAN:
        return "true" if value else "false"
    if kind is FieldType.NUMBER:
        if isinstance(value, float):
            value = Decimal(repr(value))
        plain = format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) \
            else str(value)
        return "0" if plain in {"-0", ""} else plain
    if kind is FieldType.DATETIME and isinstance(value, dt.datetime):
        return iso(value)
    if kind is FieldType.DATE and isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if text != "" else None


def utc(moment: dt.datetime) -> dt.datetime:
    """A timestamp without time zone is taken as UTC (the sessions run in UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")
