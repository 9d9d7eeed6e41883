"""Salesforce JSON values <-> the product's canonical value strings.

Salesforce sends typed JSON (numbers, booleans, null) and takes the same back;
datetimes come as "2024-05-01T10:00:00.000+0000" and go as ISO 8601 in UTC.
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_valid_date_formats.htm
"""

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from connectors.sdk import AppRecord, Field, FieldType, Option

# describe's field types -> FieldType.
# https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm
DESCRIBE_TYPES = {
    "double": FieldType.NUMBER, "currency": FieldType.NUMBER, "percent": FieldType.NUMBER,
    "int": FieldType.NUMBER, "long": FieldType.NUMBER, "boolean": FieldType.BOOLEAN,
    "date": FieldType.DATE, "datetime": FieldType.DATETIME, "email": FieldType.EMAIL,
    "phone": FieldType.PHONE, "url": FieldType.URL, "textarea": FieldType.TEXTAREA,
    "picklist": FieldType.ENUMERATION, "multipicklist": FieldType.MULTI_ENUMERATION,
    "reference": FieldType.REFERENCE,
}


def parse_time(value) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":  # +0000 -> +00:00
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def soql_time(moment: dt.datetime) -> str:
    """A SOQL dateTime literal (unquoted), in UTC with milliseconds."""
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_utc(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _number(raw) -> str:
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        return str(raw)
    if not number.is_finite():
        return str(raw)
    plain = format(number.normalize(), "f")
    return "0" if plain in ("-0", "") else plain


def canonical(field_type: FieldType, raw) -> str | None:
    """A Salesforce value as the product's canonical string (None when empty)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, dict | list):
        return json.dumps(raw, sort_keys=True)
    if field_type is FieldType.NUMBER:
        return _number(raw)
    if field_type is FieldType.DATETIME:
        moment = parse_time(str(raw))
        return iso_utc(moment) if moment else str(raw)
    text = str(raw).strip()
    return text or None


def vendor_value(field_type: FieldType, value: str | None):
    """A canonical value as Salesforce takes it: null clears a field."""
    if value is None or value == "":
        return None
    if field_type is FieldType.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return value  # Salesforce refuses it (JSON_PARSER_ERROR), record by record
        return int(number) if number == number.to_integral_value() else float(number)
    if field_type is FieldType.BOOLEAN:
        lowered = value.lower()
        return {"true": True, "false": False}.get(lowered, value)
    return value


def payload(values: dict, fields: dict[str, Field]) -> dict:
    """A create or update body; unknown names pass through for Salesforce to judge."""
    return {name: vendor_value(fields[name].type if name in fields else FieldType.TEXT, value)
            for name, value in values.items()}


def record_from_sobject(obj: dict, fields: dict[str, Field]) -> AppRecord | None:
    record_id = obj.get("Id") if isinstance(obj, dict) else None
    if not record_id:
        return None
    values = {name: canonical(spec.type, obj.get(name)) for name, spec in fields.items()
              if name in obj}
    return AppRecord(id=str(record_id), values=values,
                     modified_at=parse_time(obj.get("SystemModstamp")))


def field_from_describe(entry: dict) -> Field | None:
    """A custom field of describe's `fields` as a Field; None when it is not usable."""
    name = entry.get("name")
    if not isinstance(name, str) or not name.endswith("__c"):
        return None
    field_type = DESCRIBE_TYPES.get(str(entry.get("type")), FieldType.TEXT)
    options = tuple(Option(str(p["value"]), str(p.get("label") or p["value"]))
                    for p in entry.get("picklistValues") or []
                    if isinstance(p, dict) and p.get("value") and p.get("active", True))
    return Field(name, str(entry.get("label") or name), field_type,
                 required=not entry.get("nillable", True) and bool(entry.get("createable")),
                 read_only=not entry.get("updateable", False) and not entry.get("createable"),
                 options=options if field_type in (FieldType.ENUMERATION,
                                                   FieldType.MULTI_ENUMERATION) else (),
                 custom=True)
