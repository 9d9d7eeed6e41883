"""Property values as HubSpot checks them on create and update, and its error bodies.

A bad value fails the request with 400 VALIDATION_ERROR and the per-property
problems as JSON inside the message ("Property values were not valid: [...]").
https://developers.hubspot.com/docs/api/error-handling
"""

import datetime as dt
import json
import re
import uuid
from decimal import Decimal, InvalidOperation

from connectors.hubspot.sandbox.schema import REQUIRED, Prop, property_map

# HubSpot checks the format only, and that the domain ends in a real TLD.
# https://legacydocs.hubspot.com/docs/faq/how-does-hubspot-validate-email-addresses
_EMAIL = re.compile(r"^[^\s@\"]+@[^\s@]+\.([a-z]{2,24})$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class HubSpotError(Exception):
    """An API error in HubSpot's body shape."""

    def __init__(self, status: int, message: str, category: str, **extra):
        super().__init__(message)
        self.status, self.message, self.category, self.extra = status, message, category, extra

    def body(self) -> dict:
        return {"status": "error", "message": self.message,
                "correlationId": str(uuid.uuid4()), "category": self.category, **self.extra}


def invalid_properties(problems: list[tuple[str, str, str]]) -> HubSpotError:
    """(code, property, message) triples as HubSpot's VALIDATION_ERROR."""
    inner = [{"isValid": False, "message": message, "error": code, "name": name,
              "localizedErrorMessage": message} for code, name, message in problems]
    return HubSpotError(
        400, "Property values were not valid: " + json.dumps(inner, separators=(",", ":")),
        "VALIDATION_ERROR",
        errors=[{"message": message, "code": code, "context": {"propertyName": [name]}}
                for code, name, message in problems],
    )


def epoch_ms(value: str) -> int | None:
    """A datetime value as HubSpot takes it: epoch ms, an ISO 8601 datetime or a date."""
    text = value.strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp() * 1000)


def iso(millis: int) -> str:
    moment = dt.datetime.fromtimestamp(millis / 1000, tz=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{millis % 1000:03d}Z"


def _number(prop: Prop, value: str) -> tuple[str | None, str]:
    try:
        finite = Decimal(value).is_finite()
    except InvalidOperation:
        finite = False
    return (value, "") if finite else (None, "INVALID_INTEGER")


def _bool(prop: Prop, value: str) -> tuple[str | None, str]:
    lowered = value.lower()
    return (lowered, "") if lowered in ("true", "false") else (None, "INVALID_BOOLEAN")


def _date(prop: Prop, value: str) -> tuple[str | None, str]:
    millis = epoch_ms(value + "T00:00:00Z" if _DATE.match(value) else value)
    if millis is None or millis % 86_400_000:
        return None, "INVALID_DATE"  # date properties take midnight UTC only
    return iso(millis)[:10], ""


def _datetime(prop: Prop, value: str) -> tuple[str | None, str]:
    millis = epoch_ms(value)
    return (iso(millis), "") if millis is not None else (None, "INVALID_DATETIME")


def _enumeration(prop: Prop, value: str) -> tuple[str | None, str]:
    allowed = {v for v, _label in prop.options}
    chosen = value.split(";") if prop.field_type == "checkbox" else [value]
    return (value, "") if all(c in allowed for c in chosen) else (None, "INVALID_OPTION")


_BY_TYPE = {"number": _number, "bool": _bool, "date": _date, "datetime": _datetime,
            "enumeration": _enumeration}


def _normalise(prop: Prop, value: str) -> tuple[str | None, str]:
    """(stored value, "") or (None, error code). An empty string clears the property."""
    check = _BY_TYPE.get(prop.type)
    if value == "" or check is None:
        return value, ""
    return check(prop, value)


_MESSAGES = {
    "INVALID_INTEGER": "{value} was not a valid number.",
    "INVALID_BOOLEAN": "{value} was not a valid boolean (true or false).",
    "INVALID_DATE": "{value} is not a valid date; use YYYY-MM-DD or midnight UTC in ms.",
    "INVALID_DATETIME": "{value} was not a valid datetime.",
    "INVALID_OPTION": "{value} was not one of the allowed options: {options}",
    "INVALID_EMAIL": "Email address {value} is invalid",
}


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip() if isinstance(value, (str, int, float)) else json.dumps(value)


def validate(object_type: str, properties, *, creating: bool) -> dict[str, str]:
    """The values to store, or HubSpotError with every problem found."""
    if not isinstance(properties, dict):
        raise HubSpotError(400, "Invalid input JSON: `properties` must be an object",
                           "VALIDATION_ERROR")
    known = property_map(object_type)
    problems: list[tuple[str, str, str]] = []
    clean: dict[str, str] = {}
    for name, raw in properties.items():
        prop, value = known.get(name), _as_text(raw)
        if prop is None:
            problems.append(("PROPERTY_DOESNT_EXIST", name, f'Property "{name}" does not exist'))
            continue
        if prop.read_only:
            problems.append(("READ_ONLY_VALUE", name,
                             f"{name} is a read only property; its value cannot be set."))
            continue
        stored, code = _normalise(prop, value)
        if code == "" and name == "email" and stored and not _EMAIL.match(stored):
            code = "INVALID_EMAIL"
        if code:
            options = [v for v, _label in prop.options]
            problems.append((code, name, _MESSAGES[code].format(value=value, options=options)))
            continue
        assert stored is not None  # no error code: _normalise gave the value to store
        clean[name] = stored
    if creating:
        for name in REQUIRED.get(object_type, ()):
            if not clean.get(name) and name not in {n for _c, n, _m in problems}:
                problems.append(("MISSING_REQUIRED_PROPERTY", name, f"{name} is required"))
    if problems:
        raise invalid_properties(problems)
    return clean
