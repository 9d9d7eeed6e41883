"""Custom columns, read from the environment's table definitions.

Custom columns carry their publisher's prefix (`new_`, `cr123_`, …) and
`IsCustomAttribute: true`. The base attribute list has no choice options nor a
date column's format, so those come from the typed casts of the same list.
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
"""

import time

from connectors.dynamics.client import headers, query
from connectors.sdk import Field, FieldType, Option
from connectors.sdk.http import HttpClient

# AttributeType -> the product's field type; types left out (lookups, owners,
# files, images, virtual columns) are not offered for mapping.
TYPES = {
    "String": FieldType.TEXT,
    "Memo": FieldType.TEXTAREA,
    "Integer": FieldType.NUMBER,
    "BigInt": FieldType.NUMBER,
    "Decimal": FieldType.NUMBER,
    "Double": FieldType.NUMBER,
    "Money": FieldType.NUMBER,
    "Boolean": FieldType.BOOLEAN,
    "DateTime": FieldType.DATETIME,
    "Picklist": FieldType.ENUMERATION,
}
_SELECT = ("LogicalName,SchemaName,AttributeType,DisplayName,RequiredLevel,"
           "IsValidForCreate,IsValidForUpdate,AttributeOf")
_CUSTOM = "IsCustomAttribute eq true"


# Table definitions change rarely and Microsoft asks clients to cache them; a
# poll every two minutes should not re-read them each time.
# https://learn.microsoft.com/power-apps/developer/data-platform/query-schema-definitions
CACHE_SECONDS = 600
_cache: dict[tuple[str, str], tuple[float, tuple[Field, ...]]] = {}


def custom_fields(http: HttpClient, web_api: str, logical_name: str) -> tuple[Field, ...]:
    """The table's custom columns, from a cache at most CACHE_SECONDS old."""
    key = (web_api, logical_name)
    cached = _cache.get(key)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    fields = _read_custom_fields(http, web_api, logical_name)
    _cache[key] = (time.monotonic() + CACHE_SECONDS, fields)
    return fields


def forget_cached_fields() -> None:
    _cache.clear()


def _read_custom_fields(http: HttpClient, web_api: str, logical_name: str) -> tuple[Field, ...]:
    base = f"{web_api}/EntityDefinitions(LogicalName='{logical_name}')/Attributes"
    rows = _rows(http, base + query(select=_SELECT, filter=_CUSTOM))
    # Companion columns (a choice's "…name" text, a money's "_base") have AttributeOf.
    rows = [r for r in rows if r.get("AttributeType") in TYPES and not r.get("AttributeOf")]
    kinds = {r["AttributeType"] for r in rows}
    options = _choice_options(http, base) if "Picklist" in kinds else {}
    dates = _date_only_columns(http, base) if "DateTime" in kinds else set()
    return tuple(_field(r, options, dates) for r in rows if r.get("LogicalName"))


def _field(row: dict, options: dict[str, tuple[Option, ...]], dates: set[str]) -> Field:
    name = row["LogicalName"]
    kind = TYPES[row["AttributeType"]]
    if name in dates:
        kind = FieldType.DATE
    required = (row.get("RequiredLevel") or {}).get("Value") in {"SystemRequired",
                                                                   "ApplicationRequired"}
    return Field(
        name=name,
        label=_label(row.get("DisplayName")) or name,
        type=kind,
        required=required,
        read_only=not (row.get("IsValidForUpdate") or row.get("IsValidForCreate")),
        options=options.get(name, ()),
        custom=True,
    )


def _choice_options(http: HttpClient, base: str) -> dict[str, tuple[Option, ...]]:
    url = base + "/Microsoft.Dynamics.CRM.PicklistAttributeMetadata" + query(
        select="LogicalName", filter=_CUSTOM, expand="OptionSet($select=Options)")
    result = {}
    for row in _rows(http, url):
        if not isinstance(name := row.get("LogicalName"), str):
            continue
        choices = ((row.get("OptionSet") or {}).get("Options")) or []
        result[name] = tuple(
            Option(str(c["Value"]), _label(c.get("Label")) or str(c["Value"]))
            for c in choices if isinstance(c, dict) and "Value" in c
        )
    return result


def _date_only_columns(http: HttpClient, base: str) -> set[str]:
    url = base + "/Microsoft.Dynamics.CRM.DateTimeAttributeMetadata" + query(
        select="LogicalName,Format", filter=_CUSTOM)
    return {name for r in _rows(http, url)
            if r.get("Format") == "DateOnly" and isinstance(name := r.get("LogicalName"), str)}


def _rows(http: HttpClient, url: str) -> list[dict]:
    body = http.request("GET", url, headers=headers()).body
    rows = body.get("value") if isinstance(body, dict) else None
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _label(label: object) -> str:
    """A metadata Label's text in the user's language."""
    if not isinstance(label, dict):
        return ""
    localized = label.get("UserLocalizedLabel")
    if isinstance(localized, dict) and localized.get("Label"):
        return str(localized["Label"])
    for item in label.get("LocalizedLabels") or []:
        if isinstance(item, dict) and item.get("Label"):
            return str(item["Label"])
    return ""
