"""The sandbox org's records: ids, stamps, the delete log, and Salesforce's checks.

A body Salesforce cannot deserialize (an unknown field, text for a number, a date
that is no date) fails the whole request (JSON_PARSER_ERROR, INVALID_FIELD); a record
that deserializes but breaks a rule fails alone, with the status code Salesforce uses:
REQUIRED_FIELD_MISSING, INVALID_EMAIL_ADDRESS, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST,
STRING_TOO_LONG, INVALID_FIELD_FOR_INSERT_UPDATE, DUPLICATE_VALUE (a unique field)
and FIELD_CUSTOM_VALIDATION_EXCEPTION (the org's validation rule on Opportunity).
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm#statuscode
"""

import datetime as dt
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from connectors.salesforce.sandbox.schema import (
    ALL_OBJECTS,
    DEFAULTS,
    NUMBER_TYPES,
    OBJECTS,
    SField,
    field_named,
    fields_of,
)
from connectors.sdk.sandbox import SandboxAccount

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


class RequestRefused(Exception):
    """The whole request fails: `[{"message", "errorCode"}]` with this status."""

    def __init__(self, status: int, code: str, message: str, fields: list | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields = status, code, message, fields


@dataclass
class RecordError(Exception):
    """One record refused: a collections result's `errors` entry."""

    code: str
    message: str
    fields: list = field(default_factory=list)

    def body(self) -> dict:
        return {"statusCode": self.code, "message": self.message, "fields": self.fields}


def with_checksum(id15: str) -> str:
    """The 18-character id: three characters telling the case of each five."""
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << n for n, c in enumerate(id15[start:start + 5]) if c.isupper())
        suffix += _CHECKSUM[bits]
    return id15 + suffix


def stamp(moment: float | None = None) -> str:
    """Salesforce's dateTime as it answers it: 2024-05-01T10:00:00.000+0000."""
    now = dt.datetime.fromtimestamp(moment if moment is not None else time.time(), dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"


@dataclass
class Org(SandboxAccount):
    """One org: its records by object and id, its delete log, its daily API budget."""

    org_id: str = ""
    user_id: str = ""
    api_limit: int = 15_000  # a Developer Edition org's daily total
    calls: deque = field(default_factory=deque)  # epoch seconds of each API call
    deleted: dict = field(default_factory=lambda: defaultdict(list))  # object -> [(id, date)]
    counter: int = 0

    def new_id(self, object_name: str) -> str:
        self.counter += 1
        prefix = ALL_OBJECTS[object_name][0]
        return with_checksum(f"{prefix}RO{self.counter:010d}")

    def used(self, now: float) -> int:
        """API calls in the last 24 hours (the window Salesforce counts)."""
        while self.calls and self.calls[0] <= now - 86_400:
            self.calls.popleft()
        return len(self.calls)

    def live(self, object_name: str, record_id: str) -> dict | None:
        return self.data[object_name].get(record_id)

    # --- writes -------------------------------------------------------------------------

    def create(self, object_name: str, values: dict) -> str:
        record: dict = {**dict(DEFAULTS.get(object_name) or {}), **values}
        self._check(object_name, record, creating=set(values))
        record_id = self.new_id(object_name)
        now = stamp()
        record.update(Id=record_id, IsDeleted=False, CreatedDate=now, LastModifiedDate=now,
                      SystemModstamp=now)
        if "OwnerId" in fields_of(object_name):
            record.setdefault("OwnerId", self.user_id)
        self.data[object_name][record_id] = record
        return record_id

    def update(self, object_name: str, record_id: str, values: dict) -> None:
        record = self.live(object_name, record_id)
        if record is None:
            raise RecordError("ENTITY_IS_DELETED" if self._was_deleted(object_name, record_id)
                              else "NOT_FOUND", "entity is deleted" if self._was_deleted(
                                  object_name, record_id) else "The requested resource does "
                              "not exist")
        merged = {**record, **values}
        self._check(object_name, merged, creating=set(values), own_id=record_id)
        now = stamp()
        record.update(values, LastModifiedDate=now, SystemModstamp=now)

    def delete(self, object_name: str, record_id: str) -> None:
        if self.data[object_name].pop(record_id, None) is None:
            raise RecordError("ENTITY_IS_DELETED", "entity is deleted") if self._was_deleted(
                object_name, record_id) else RecordError("NOT_FOUND", "The requested resource "
                                                                      "does not exist")
        self.deleted[object_name].append((record_id, stamp()))

    def _check_reference(self, name: str, target: str) -> None:
        """A lookup must name a live record (OwnerId: the org's user)."""
        exists = target == self.user_id if name == "OwnerId" else any(
            target in rows for rows in self.data.values())
        if not exists:
            raise RecordError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id",
                              [name])

    def _was_deleted(self, object_name: str, record_id: str) -> bool:
        return any(gone == record_id for gone, _date in self.deleted[object_name])

    def _check(self, object_name: str, record: dict, *, creating: set, own_id: str = "") -> None:
        fields = fields_of(object_name)
        read_only = sorted(n for n in creating if fields[n].read_only)
        if read_only:
            raise RecordError("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update "
                              f"fields: {', '.join(read_only)}. Please check the security "
                              "settings of this field and verify that it is read/write for "
                              "your profile or permission set.", read_only)
        missing = [f.name for f in fields.values() if f.required and record.get(f.name) in
                   (None, "")]
        if missing:
            raise RecordError("REQUIRED_FIELD_MISSING",
                              f"Required fields are missing: [{', '.join(missing)}]", missing)
        for name in sorted(creating):
            _check_value(fields[name], record.get(name))
            if fields[name].type == "reference" and record.get(name) not in (None, ""):
                self._check_reference(name, str(record[name]))
        for spec in fields.values():
            value = record.get(spec.name)
            if spec.unique and value not in (None, ""):
                other = next((rid for rid, r in self.data[object_name].items()
                              if rid != own_id and str(r.get(spec.name) or "").lower()
                              == str(value).lower()), None)
                if other:
                    raise RecordError("DUPLICATE_VALUE", f"duplicate value found: {spec.name} "
                                      f"duplicates value on record with id: {other}", [])
        if object_name == "Opportunity" and isinstance(record.get("Amount"), int | float) \
                and record["Amount"] < 0:
            raise RecordError("FIELD_CUSTOM_VALIDATION_EXCEPTION", "Amount cannot be "
                              "negative.", [])


def _check_value(spec: SField, value) -> None:
    if value in (None, ""):
        return
    if spec.type == "email" and not _EMAIL.match(str(value)):
        raise RecordError("INVALID_EMAIL_ADDRESS",
                          f"{spec.label}: invalid email address: {value}", [spec.name])
    if spec.restricted and value not in spec.picklist:
        raise RecordError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                          f"{spec.label}: bad value for restricted picklist field: {value}",
                          [spec.name])
    if isinstance(value, str) and len(value) > spec.length:
        raise RecordError("STRING_TOO_LONG", f"{spec.label}: data value too large: "
                          f"{value[:20]}… (max length={spec.length})", [spec.name])


def deserialize(object_name: str, body: object, *, allowed: frozenset = frozenset()) -> dict:
    """A record body as Salesforce reads it: field names case-insensitive, each value of
    its field's JSON type; else the whole request is refused."""
    if object_name not in OBJECTS:
        raise RequestRefused(404, "NOT_FOUND", "The requested resource does not exist")
    if not isinstance(body, dict):
        raise RequestRefused(400, "JSON_PARSER_ERROR", "Cannot deserialize instance of "
                             f"{object_name} from {type(body).__name__} value")
    values = {}
    for key, value in body.items():
        if key in allowed:
            continue
        spec = field_named(object_name, key)
        if spec is None:
            raise RequestRefused(400, "INVALID_FIELD", f"No such column '{key}' on sobject of "
                                 f"type {object_name}")
        values[spec.name] = _deserialize_value(spec, value)
    return values


def _deserialize_value(spec: SField, value):
    if value is None:
        return None
    wrong = None
    if spec.type in NUMBER_TYPES and (isinstance(value, bool) or not isinstance(
            value, int | float)):
        wrong = "double" if spec.type != "int" else "int"
    elif spec.type == "boolean" and not isinstance(value, bool):
        wrong = "boolean"
    elif spec.type in ("date", "datetime"):
        if not isinstance(value, str) or not _is_time(value, spec.type):
            wrong = "date" if spec.type == "date" else "datetime"
    elif spec.type not in NUMBER_TYPES | {"boolean"} and not isinstance(value, str):
        wrong = "String"
    if wrong:
        raise RequestRefused(400, "JSON_PARSER_ERROR", f"Cannot deserialize instance of {wrong}"
                             f" from VALUE_{type(value).__name__.upper()} value {value} or "
                             "request may be missing a required field")
    if spec.type == "datetime":
        return stamp(_moment(value).timestamp())
    return value


def _moment(text: str) -> dt.datetime:
    cleaned = text.replace("Z", "+00:00")
    if len(cleaned) > 5 and cleaned[-5] in "+-" and cleaned[-3] != ":":
        cleaned = f"{cleaned[:-2]}:{cleaned[-2:]}"
    moment = dt.datetime.fromisoformat(cleaned)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _is_time(text: str, kind: str) -> bool:
    try:
        if kind == "date":
            dt.date.fromisoformat(text)
        else:
            _moment(text)
    except ValueError:
        return False
    return True
