"""Pipedrive's wire formats <-> the canonical strings every connector hands over.

API v2 writes timestamps as RFC 3339 (`2024-01-01T00:00:00Z`, sometimes with
milliseconds); API v1 writes `2024-01-01 00:00:00` in UTC. v2 refuses numbers sent
as strings, so numbers are parsed before they go out.
https://pipedrive.readme.io/docs/pipedrive-api-v2-migration-guide
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from connectors.sdk.errors import ConnectorError, ErrorCategory


def invalid(field: str, value: object, expected: str) -> ConnectorError:
    return ConnectorError(
        ErrorCategory.INVALID_VALUE,
        f"{field}: {value!r} is not {expected}.",
        field=field,
    )


# --- reading -------------------------------------------------------------------------


def text(value: object) -> str | None:
    """A vendor string as a value: empty strings count as no value."""
    if value is None or value == "":
        return None
    return str(value)


def number(value: object) -> str | None:
    """A JSON number as a plain decimal: 12000, 35.9, never 1.2E+4."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        exact = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    plain = format(exact.normalize(), "f")
    return "0" if plain in {"-0", ""} else plain


def boolean(value: object) -> str | None:
    if value is None:
        return None
    return "true" if value else "false"


def reference(value: object) -> str | None:
    """An id of another record; v1 sometimes nests it as {"value": id, ...}."""
    if isinstance(value, dict):
        value = value.get("value", value.get("id"))
    if value is None or value == "":
        return None
    return str(value)


def parse_time(value: object) -> dt.datetime | None:
    """A v2 (RFC 3339) or v1 (`YYYY-MM-DD HH:MM:SS`, UTC) timestamp."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def timestamp(value: object) -> str | None:
    return iso(parse_time(value))


def v1_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


# --- writing -------------------------------------------------------------------------


def to_number(field: str, value: str | None) -> int | float | None:
    if value is None or value == "":
        return None
    try:
        exact = Decimal(str(value).strip())
    except InvalidOperation:
        raise invalid(field, value, "a number") from None
    if not exact.is_finite():
        raise invalid(field, value, "a number")
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def to_int(field: str, value: str | None) -> int | None:
    number_value = to_number(field, value)
    if number_value is None:
        return None
    if not isinstance(number_value, int):
        raise invalid(field, value, "a whole number")
    return number_value


def to_bool(field: str, value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    lowered = str(value).strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise invalid(field, value, '"true" or "false"')


def to_date(field: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise invalid(field, value, "a date (YYYY-MM-DD)") from None


def to_moment(field: str, value: str | None) -> dt.datetime | None:
    if value is None or value == "":
        return None
    moment = parse_time(str(value))
    if moment is None:
        raise invalid(field, value, "a date and time (ISO 8601)")
    return moment


def to_text(value: str | None) -> str | None:
    return None if value is None else str(value)
