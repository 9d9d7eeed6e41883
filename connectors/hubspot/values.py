"""HubSpot property strings <-> the product's canonical value strings.

Every HubSpot CRM object has the same shape (`id`, `properties`, `createdAt`,
`updatedAt`, `archived`), and every property value travels as a string, so one
pair of functions serves all objects; the declared FieldType says how to read it.
https://developers.hubspot.com/docs/api/crm/properties#property-type-and-fieldtype-values
"""

import datetime as dt
import json
import logging
from decimal import Decimal, InvalidOperation

from connectors.sdk import AppRecord, Field, FieldType

log = logging.getLogger(__name__)


def parse_time(value) -> dt.datetime | None:
    """HubSpot's timestamps: ISO 8601 ("2024-05-01T10:00:00.123Z") or epoch milliseconds."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    try:
        if text.isdigit():
            return dt.datetime.fromtimestamp(int(text) / 1000, tz=dt.UTC)
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    if moment.tzinfo is None:  # a date or a naive time: HubSpot means UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def to_millis(moment: dt.datetime) -> int:
    return round(moment.timestamp() * 1000)


def iso_utc(moment: dt.datetime) -> str:
    """Canonical datetime: seconds precision, milliseconds only when there are some."""
    moment = moment.astimezone(dt.UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(raw) -> str | None:
    """Wrong types from the app (numbers, lists) are kept as text rather than dropped."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (dict, list)):
        return json.dumps(raw, sort_keys=True)
    text = str(raw).strip()
    return text or None


def _number(text: str) -> str:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text  # not a number after all: keep what the app said
    if not number.is_finite():
        return text
    plain = format(number.normalize(), "f")
    return "0" if plain in ("-0", "") else plain


def canonical(field_type: FieldType, raw) -> str | None:
    """A HubSpot value as the product's canonical string (None when empty)."""
    text = _text(raw)
    if text is None:
        return None
    if field_type is FieldType.NUMBER:
        return _number(text)
    if field_type is FieldType.DATE:
        # Some HubSpot "date" fields are datetimes shown as dates (deal closedate):
        # the calendar day in UTC is what the user sees and what we sync.
        moment = parse_time(text)
        return moment.date().isoformat() if moment else text
    if field_type is FieldType.DATETIME:
        moment = parse_time(text)
        return iso_utc(moment) if moment else text
    if field_type is FieldType.BOOLEAN:
        return text.lower() if text.lower() in ("true", "false") else text
    return text


def vendor_value(field_type: FieldType, value: str | None) -> str:
    """A canonical value as HubSpot takes it. Clearing a property means sending ""."""
    if value is None:
        return ""
    if field_type is FieldType.DATE:
        # Date properties take YYYY-MM-DD; a datetime shown as a date (closedate)
        # takes the same string and stores midnight UTC.
        return value[:10]
    return value


def record_from_object(obj: dict, fields: dict[str, Field]) -> AppRecord | None:
    """One HubSpot object as an AppRecord keyed by field name; None without an id."""
    object_id = obj.get("id") if isinstance(obj, dict) else None
    if object_id in (None, ""):
        log.warning("HubSpot returned an object without an id; skipped")
        return None
    properties = obj.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    values = {
        name: canonical(spec.type, properties.get(name))
        for name, spec in fields.items()
    }
    return AppRecord(id=str(object_id), values=values, modified_at=parse_time(obj.get("updatedAt")))


def properties_from_values(values: dict, fields: dict[str, Field]) -> dict[str, str]:
    """The `properties` body of a create or update; unknown names pass through for
    HubSpot to judge (it answers PROPERTY_DOESNT_EXIST)."""
    out = {}
    for name, value in values.items():
        spec = fields.get(name)
        out[name] = vendor_value(spec.type if spec else FieldType.TEXT, value)
    return out
