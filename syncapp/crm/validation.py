"""Turning user input into canonical stored values, with a message per bad field.

Pure functions over plain data: the pages, the API and the sync engine share them.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from syncapp.core import params
from syncapp.crm.identifiers import normalize_email
from syncapp.crm.schema import PropertyType

MAX_TEXT = 65_536


class InvalidValue(ValueError):
    """A value that cannot be stored in a property; the message is for the user."""


@dataclass(frozen=True)
class PropertyShape:
    """What validation needs to know of a property definition."""

    name: str
    label: str
    type: str
    options: tuple[str, ...] = ()


def clean_value(shape: PropertyShape, raw) -> str | None:
    """The canonical string for `raw`, None for empty, or InvalidValue."""
    if raw is None:
        return None
    text = str(raw).strip()
    if text == "":
        return None
    if len(text) > MAX_TEXT:
        raise InvalidValue(_("Too long: at most %(max)s characters.") % {"max": MAX_TEXT})
    cleaner = _CLEANERS.get(shape.type, _clean_text)
    return cleaner(shape, text)


def clean_values(shapes: dict[str, PropertyShape], raw: dict) -> tuple[dict, dict]:
    """Clean every given value: (cleaned values, {property name: message})."""
    cleaned: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for name, value in raw.items():
        shape = shapes.get(name)
        if shape is None:
            errors[name] = _("Unknown property “%(name)s”.") % {"name": name}
            continue
        try:
            cleaned[name] = clean_value(shape, value)
        except InvalidValue as exc:
            errors[name] = str(exc)
    return cleaned, errors


def _clean_text(shape: PropertyShape, text: str) -> str:
    return text


def _clean_number(shape: PropertyShape, text: str) -> str:
    try:
        number = params.decimal(text, shape.label)
    except params.BadParam as bad:
        raise InvalidValue(bad.message) from None
    return canonical_number(number)


def canonical_number(number: Decimal) -> str:
    """Plain digits, no exponent, no trailing zeros: `1E+3` -> `1000`, `2.50` -> `2.5`."""
    if not number:
        return "0"
    normal = format(number.normalize(), "f")
    return normal if "." not in normal else normal.rstrip("0").rstrip(".")


def _clean_date(shape: PropertyShape, text: str) -> str:
    try:
        return dt.date.fromisoformat(text[:10] if "T" in text else text).isoformat()
    except ValueError:
        raise InvalidValue(_("Enter a date as YYYY-MM-DD, such as 2024-03-31.")) from None


def _clean_datetime(shape: PropertyShape, text: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidValue(
            _("Enter a date and time as YYYY-MM-DD HH:MM, such as 2024-03-31 14:30.")
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the last representable moment
        raise InvalidValue(_("Enter a date and time between the years 1 and 9999.")) from None


_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def _clean_boolean(shape: PropertyShape, text: str) -> str:
    lowered = text.lower()
    if lowered in _TRUE:
        return "true"
    if lowered in _FALSE:
        return "false"
    raise InvalidValue(_("Choose yes or no."))


def _clean_enumeration(shape: PropertyShape, text: str) -> str:
    if text in shape.options:
        return text
    raise InvalidValue(
        _("“%(value)s” is not one of the options of %(label)s.")
        % {"value": text, "label": shape.label}
    )


def _clean_email(shape: PropertyShape, text: str) -> str:
    email = normalize_email(text)
    if email is None:
        raise InvalidValue(_("Enter a valid email address, such as name@example.com."))
    return text.strip()


def _clean_phone(shape: PropertyShape, text: str) -> str:
    digits = [c for c in text if c in "0123456789"]
    allowed = set("0123456789+-()./ x")
    if len(digits) < 3 or any(c.lower() not in allowed for c in text):
        raise InvalidValue(_("Enter a phone number, such as +1 555 010 2030."))
    return text


def _clean_url(shape: PropertyShape, text: str) -> str:
    if " " in text or "." not in text:
        raise InvalidValue(_("Enter a web address, such as https://example.com."))
    return text


_CLEANERS = {
    PropertyType.TEXT: _clean_text,
    PropertyType.NUMBER: _clean_number,
    PropertyType.DATE: _clean_date,
    PropertyType.DATETIME: _clean_datetime,
    PropertyType.BOOLEAN: _clean_boolean,
    PropertyType.ENUMERATION: _clean_enumeration,
    PropertyType.EMAIL: _clean_email,
    PropertyType.PHONE: _clean_phone,
    PropertyType.URL: _clean_url,
}
