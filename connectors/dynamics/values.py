"""Dataverse JSON <-> the flat canonical values the engine compares.

Canonical forms (see syncapp.crm.schema): numbers as plain decimals ("1250",
"99.9"), dates YYYY-MM-DD, datetimes ISO-8601 UTC with Z, booleans
"true"/"false", choices as the option's integer value ("1"). An empty value is
None.

Dataverse returns Edm.Date columns as "2024-03-31" and Edm.DateTimeOffset as
"2024-03-31T14:30:00Z"; money and decimals as JSON numbers; choices as integers.
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-types-operations
"""

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from connectors.sdk import Field
from connectors.sdk import FieldType as T

log = logging.getLogger(__name__)

_NUMBERS = {T.NUMBER}
_CHOICES = {T.ENUMERATION, T.RADIO}


def from_vendor(fields: Iterable[Field], raw: dict) -> dict:
    """The canonical value of every field present in a Dataverse entity."""
    values = {}
    for f in fields:
        if f.name in raw:
            values[f.name] = canonical(f, raw[f.name])
    return values


def canonical(f: Field, value) -> str | None:
    if value is None or value == "":
        return None
    try:
        return _canonical(f, value)
    except (ValueError, TypeError, InvalidOperation):
        # A value of the wrong type from the app is dropped, not guessed at.
        log.warning("dynamics: %s has an unreadable value %r", f.name, value)
        return None


def _canonical(f: Field, value) -> str | None:
    if f.type in _NUMBERS or f.type in _CHOICES:
        if isinstance(value, bool):
            raise TypeError("a boolean where a number was expected")
        return plain_decimal(Decimal(str(value)))
    if f.type is T.BOOLEAN:
        if not isinstance(value, bool):
            raise TypeError("not a boolean")
        return "true" if value else "false"
    if f.type is T.DATE:
        return dt.date.fromisoformat(str(value)[:10]).isoformat()
    if f.type is T.DATETIME:
        return utc_text(str(value))
    if isinstance(value, dict | list):
        raise TypeError("a structure where text was expected")
    return str(value)


def plain_decimal(number: Decimal) -> str:
    if not number.is_finite():
        raise ValueError("not a finite number")
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def utc_text(text: str) -> str:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None


def to_vendor(fields: dict[str, Field], values: dict) -> dict:
    """A Dataverse payload for `values`; a value that cannot be converted is sent
    as it is, so that Dataverse refuses it in its own words."""
    body = {}
    for name, value in values.items():
        f = fields.get(name)
        body[name] = None if value in (None, "") else _vendor_value(f, str(value))
    return body


def _vendor_value(f: Field | None, text: str):
    if f is None:
        return text
    if f.type in _NUMBERS or f.type in _CHOICES:
        return _number(text)
    if f.type is T.BOOLEAN:
        return {"true": True, "false": False}.get(text.lower(), text)
    return text


def _number(text: str):
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    if number == number.to_integral_value():
        return int(number)
    return float(number)
