"""What Zoho checks in one record of a write, as per-item outcomes.

A record fails alone, in Zoho's item shape (`{"code", "details": {"api_name",
"json_path"}, "message", "status": "error"}`): MANDATORY_NOT_FOUND for a missing
mandatory field, INVALID_DATA for a value of the wrong type, an unknown or
read-only field, a picklist value not in the list or a lookup to no record,
DUPLICATE_DATA for a value already held by a unique field.
https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html (Possible errors)
"""

import datetime as dt
import re

from connectors.zoho.sandbox.store import FieldMeta, ZohoOrg

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SYSTEM = {"id", "Created_Time", "Modified_Time", "Created_By", "Modified_By", "Full_Name"}
NUMBERS = {"integer": int, "bigint": int, "double": float, "currency": float, "decimal": float,
           "percent": float}


class ItemError(Exception):
    def __init__(self, code: str, message: str, details: dict):
        super().__init__(message)
        self.item = {"code": code, "details": details, "message": message, "status": "error"}


def _where(index: int, name: str) -> dict:
    return {"api_name": name, "json_path": f"$.data[{index}].{name}"}


def _invalid(index: int, meta: FieldMeta, expected: str) -> ItemError:
    return ItemError("INVALID_DATA", "invalid data",
                     {**_where(index, meta.api_name), "expected_data_type": expected})


def _typed(org: ZohoOrg, index: int, meta: FieldMeta, value: object) -> object:
    """The value as stored, or ItemError."""
    if value is None:
        return None
    kind = meta.data_type
    if kind in NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int | float) or (
                NUMBERS[kind] is int and isinstance(value, float) and not value.is_integer()):
            raise _invalid(index, meta, kind)
        return NUMBERS[kind](value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _invalid(index, meta, kind)
        return value
    if kind in ("lookup", "ownerlookup"):
        target = value.get("id") if isinstance(value, dict) else None
        rows = org.rows(meta.lookup) if kind == "lookup" else {org.user["id"]: org.user}
        if not isinstance(target, str) or target not in rows:
            raise ItemError("INVALID_DATA", "the related id given seems to be invalid",
                            {**_where(index, meta.api_name), "expected_data_type": kind})
        row = rows[target]
        name = row.get("name") or row.get("Full_Name") or row.get("Account_Name") or target
        return {"name": name, "id": target}
    if kind == "multiselectpicklist":
        if not isinstance(value, list) or any(v not in meta.picklist for v in value):
            raise _invalid(index, meta, kind)
        return value
    if not isinstance(value, str):
        raise _invalid(index, meta, kind)
    _check_text(index, meta, value)
    return value


def _check_text(index: int, meta: FieldMeta, value: str) -> None:
    kind = meta.data_type
    if len(value) > meta.length:
        raise ItemError("LIMIT_EXCEEDED", "limit exceeded",
                        {**_where(index, meta.api_name), "maximum_length": meta.length})
    if kind == "email" and value and not EMAIL.match(value):
        raise _invalid(index, meta, kind)
    if kind == "picklist" and value not in meta.picklist:
        raise _invalid(index, meta, kind)
    try:
        if kind == "date":
            dt.date.fromisoformat(value)
        elif kind == "datetime" and dt.datetime.fromisoformat(value).tzinfo is None:
            raise ValueError(value)
    except ValueError:
        raise _invalid(index, meta, kind) from None


def check(org: ZohoOrg, module: str, index: int, record: dict,
          existing: dict | None) -> dict:
    """The record's values as they would be stored; ItemError refuses the record."""
    metas: dict[str, FieldMeta] = org.fields[module]
    values = {}
    for name, value in record.items():
        if name == "id" and existing is not None:
            continue
        meta = metas.get(name)
        if meta is None or name in SYSTEM or meta.read_only:
            raise ItemError("INVALID_DATA", "invalid field name or read-only field",
                            _where(index, name))
        values[name] = _typed(org, index, meta, value)
    merged = {**(existing or {}), **values}
    for meta in metas.values():
        blank = merged.get(meta.api_name) in (None, "", [])
        if meta.mandatory and blank and (existing is None or meta.api_name in values):
            raise ItemError("MANDATORY_NOT_FOUND", "required field not found",
                            _where(index, meta.api_name))
        if meta.unique and not blank and meta.api_name in values:
            _unique(org, module, index, meta, merged, existing)
    return values


def _unique(org: ZohoOrg, module: str, index: int, meta: FieldMeta, merged: dict,  # noqa: PLR0917
            existing: dict | None) -> None:
    wanted = str(merged[meta.api_name]).lower()
    for row in org.rows(module).values():
        if row is not existing and str(row.get(meta.api_name) or "").lower() == wanted:
            raise ItemError("DUPLICATE_DATA", "duplicate data", {
                **_where(index, meta.api_name),
                "duplicate_record": {"id": row["id"], "module": {"api_name": module}}})
