"""Metadata the sandbox serves: discovery Instances and table column definitions.

Column definitions follow the Web API's AttributeMetadata shape; the typed casts
(`…/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata`) add what only
that type has: a choice's OptionSet, a date column's Format.
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
https://learn.microsoft.com/power-apps/developer/data-platform/discovery-service
"""

import re
import uuid

from connectors.dynamics.sandbox.query import parse_filter
from connectors.dynamics.sandbox.schema import Column, Table
from connectors.dynamics.sandbox.store import DataverseError

TYPES = {"string": "String", "memo": "Memo", "int": "Integer", "decimal": "Decimal",
         "money": "Money", "date": "DateTime", "datetime": "DateTime", "bool": "Boolean",
         "choice": "Picklist", "guid": "Uniqueidentifier"}
CASTS = {"Microsoft.Dynamics.CRM.PicklistAttributeMetadata": {"choice"},
         "Microsoft.Dynamics.CRM.DateTimeAttributeMetadata": {"date", "datetime"}}
_NS = uuid.UUID("8d1f3a52-0c57-4c53-9a0e-5a1f0d1c2b3a")
_OPTION_SET = re.compile(r"OptionSet(\(\$select=Options\))?")
# What an attribute row here holds: the only names $select and $filter may use.
ATTRIBUTE_PROPERTIES = frozenset({
    "MetadataId", "LogicalName", "SchemaName", "EntityLogicalName", "AttributeType",
    "AttributeOf", "IsCustomAttribute", "IsPrimaryId", "IsValidForCreate", "IsValidForUpdate",
    "IsValidForRead", "RequiredLevel", "DisplayName", "MaxLength", "OptionSet", "Format"})


def instance(root: str, env) -> dict:
    """The environment as the Global Discovery Service describes it."""
    return {
        "Id": str(uuid.uuid5(_NS, "instance:" + env.url_name)),
        "UniqueName": f"unq{env.id.replace('-', '')[:24]}",
        "UrlName": env.url_name,
        "FriendlyName": env.name,
        "State": 0,
        "Version": "9.2.26013.00196",
        "Url": f"{root}/{env.url_name}",
        "ApiUrl": f"{root}/{env.url_name}",
        "LastUpdated": "2026-11-01T08:00:00Z",
        "Region": "NA",
        "OrganizationId": env.id,
        "EnvironmentId": str(uuid.uuid5(_NS, "environment:" + env.url_name)),
        "TenantId": tenant_id(env),
    }


def tenant_id(env) -> str:
    """The Microsoft Entra tenant the environment belongs to (one each here)."""
    return str(uuid.uuid5(_NS, "tenant:" + env.url_name))


def attributes(base: str, table: Table, options: dict[str, str], cast: str | None) -> dict:
    """`EntityDefinitions(LogicalName='…')/Attributes[/cast]` with its query options."""
    if cast is not None and cast not in CASTS:
        raise DataverseError(404, "0x80060888", f"Resource not found for the segment '{cast}'.")
    picklists = cast == "Microsoft.Dynamics.CRM.PicklistAttributeMetadata"
    rows = shaped(attribute_rows(table, cast), options, expandable=picklists)
    shape = f"EntityDefinitions('{table.logical}')/Attributes" + (f"/{cast}" if cast else "")
    return {"@odata.context": f"{base}/$metadata#{shape}", "value": rows}


def attribute_rows(table: Table, cast: str | None) -> list[dict]:
    rows = []
    for column in table.columns.values():
        if cast is None or column.kind in CASTS[cast]:
            rows.append(_attribute(table, column, cast))
            if column.kind == "choice" and cast is None:
                rows.append(_companion(table, column))
    return rows


def shaped(rows: list[dict], options: dict[str, str], *, expandable: bool) -> list[dict]:
    """Attribute rows filtered and cut to `$select`; `$expand` takes only a typed
    choice column's OptionSet (`OptionSet` or `OptionSet($select=Options)`)."""
    expand = options.get("$expand", "")
    if expand and not (expandable and _OPTION_SET.fullmatch(expand)):
        raise unknown_metadata_property("AttributeMetadata", expand.split("(", 1)[0])
    if not expand:  # a navigation property: only there when expanded
        rows = [{k: v for k, v in r.items() if k != "OptionSet"} for r in rows]
    text = options.get("$filter")
    if text:
        keep = parse_filter(text, lambda name: name in ATTRIBUTE_PROPERTIES)
        rows = [r for r in rows if keep(r)]
    select = options.get("$select")
    if select:
        wanted = set(select.split(","))
        for name in wanted - ATTRIBUTE_PROPERTIES:
            raise unknown_metadata_property("AttributeMetadata", name)
        wanted |= {"MetadataId", "@odata.type", *(["OptionSet"] if expand else [])}
        rows = [{k: v for k, v in r.items() if k in wanted} for r in rows]
    return rows


def unknown_metadata_property(kind: str, name: str) -> DataverseError:
    return DataverseError(400, "0x80060888", f"Could not find a property named '{name}' on "
                                             f"type 'Microsoft.Dynamics.CRM.{kind}'.")


def label(text: str) -> dict:
    label = {"Label": text, "LanguageCode": 1033, "IsManaged": False}
    return {"LocalizedLabels": [label], "UserLocalizedLabel": label}


def _attribute(table: Table, column: Column, cast: str | None) -> dict:
    kind = TYPES[column.kind]
    row: dict[str, object] = {
        "@odata.type": f"#Microsoft.Dynamics.CRM.{kind}AttributeMetadata",
        "MetadataId": str(uuid.uuid5(_NS, f"{table.logical}.{column.name}")),
        "LogicalName": column.name,
        "SchemaName": column.name if column.custom else column.name.capitalize(),
        "EntityLogicalName": table.logical,
        "IsPrimaryId": column.name == table.primary_id,
        "AttributeType": kind,
        "AttributeOf": None,
        "IsCustomAttribute": column.custom,
        "IsValidForCreate": column.writable,
        "IsValidForUpdate": column.writable and column.name != table.primary_id,
        "IsValidForRead": True,
        "RequiredLevel": {"Value": "SystemRequired" if column.name == table.primary_id
                          else "None", "CanBeChanged": column.custom},
        "DisplayName": label(column.label),
    }
    if column.kind == "choice" and cast:
        row["OptionSet"] = {"Options": [{"Value": value, "Label": label(text)}
                                        for value, text in column.options.items()]}
    if column.kind in {"date", "datetime"} and cast:
        row["Format"] = "DateOnly" if column.date_only or column.kind == "date" else "DateAndTime"
    if column.kind in {"string", "memo"}:
        row["MaxLength"] = column.max_length
    return row


def _companion(table: Table, column: Column) -> dict:
    """A choice column's read-only label column (`…name`), which says AttributeOf."""
    return {
        "@odata.type": "#Microsoft.Dynamics.CRM.VirtualAttributeMetadata",
        "MetadataId": str(uuid.uuid5(_NS, f"{table.logical}.{column.name}name")),
        "LogicalName": f"{column.name}name",
        "SchemaName": f"{column.name}Name",
        "EntityLogicalName": table.logical,
        "IsPrimaryId": False,
        "AttributeType": "Virtual",
        "AttributeOf": column.name,
        "IsCustomAttribute": column.custom,
        "IsValidForCreate": False,
        "IsValidForUpdate": False,
        "IsValidForRead": True,
        "RequiredLevel": {"Value": "None", "CanBeChanged": False},
        "DisplayName": label(""),
    }
