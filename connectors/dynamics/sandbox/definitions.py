"""The Web API's own description: the service document at its root and the
`EntityDefinitions` entity set (EntityMetadata), with each table's Attributes.

https://learn.microsoft.com/power-apps/developer/data-platform/webapi/web-api-service-documents
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/entitymetadata
"""

import re
import uuid

from connectors.dynamics.sandbox.metadata import (
    attribute_rows,
    label,
    shaped,
    unknown_metadata_property,
)
from connectors.dynamics.sandbox.query import parse_filter
from connectors.dynamics.sandbox.routing import table_by_logical
from connectors.dynamics.sandbox.schema import TABLES, Table
from connectors.dynamics.sandbox.store import DataverseError

METADATA_SET = "EntityDefinitions"
_NS = uuid.UUID("3c0e7d0a-6a61-4d1e-9c55-0b8f2f7f4a10")
# Object type codes and display names of the out-of-the-box tables
# (https://learn.microsoft.com/power-apps/developer/data-platform/reference/about-entity-reference).
OBJECT_TYPE_CODES = {"account": 1, "contact": 2, "opportunity": 3, "lead": 4, "annotation": 5,
                     "incident": 112, "product": 1024, "organization": 1019, "invoice": 1090,
                     "appointment": 4201, "email": 4202, "phonecall": 4210, "task": 4212}
DISPLAY_NAMES = {"opportunity": ("Opportunity", "Opportunities"), "incident": ("Case", "Cases"),
                 "phonecall": ("Phone Call", "Phone Calls"), "annotation": ("Note", "Notes")}
PRIMARY_NAMES = ("fullname", "name", "title", "subject")
ENTITY_PROPERTIES = frozenset({
    "MetadataId", "LogicalName", "SchemaName", "EntitySetName", "LogicalCollectionName",
    "ObjectTypeCode", "PrimaryIdAttribute", "PrimaryNameAttribute", "DisplayName",
    "DisplayCollectionName", "IsCustomEntity", "IsActivity", "ChangeTrackingEnabled",
    "CanCreateAttributes"})
_EXPAND = re.compile(r"Attributes(?:\(\$select=(?P<select>[A-Za-z,]+)\))?")
_BY_NAME = re.compile(r"^LogicalName='(?P<name>\w+)'$")


def service_document(base: str, sets: list[str]) -> dict:
    """The entity sets at the Web API root, as an OData JSON service document."""
    return {"@odata.context": f"{base}/$metadata",
            "value": [{"name": name, "kind": "EntitySet", "url": name} for name in sorted(sets)]}


def definitions(base: str, options: dict[str, str]) -> dict:
    """`GET EntityDefinitions` with $select, $filter and $expand=Attributes."""
    rows = [entity(table) for table in TABLES.values()]
    text = options.get("$filter")
    if text:
        keep = parse_filter(text, lambda name: name in ENTITY_PROPERTIES)
        rows = [r for r in rows if keep(r)]
    rows = [_shaped(r, options) for r in rows]
    return {"@odata.context": f"{base}/$metadata#{_context(options)}", "value": rows}


def definition(base: str, key: str, options: dict[str, str]) -> dict:
    """`GET EntityDefinitions(LogicalName='contact')` or `EntityDefinitions(<MetadataId>)`."""
    table = _keyed(key)
    return {"@odata.context": f"{base}/$metadata#{_context(options)}/$entity",
            **_shaped(entity(table), options)}


def entity(table: Table) -> dict:
    """A table's EntityMetadata, as far as this sandbox knows it."""
    singular, plural = DISPLAY_NAMES.get(table.logical, (table.schema_name,
                                                         f"{table.schema_name}s"))
    return {
        "MetadataId": metadata_id(table),
        "LogicalName": table.logical,
        "SchemaName": table.schema_name,
        "EntitySetName": table.set_name,
        "LogicalCollectionName": table.set_name,
        "ObjectTypeCode": OBJECT_TYPE_CODES[table.logical],
        "PrimaryIdAttribute": table.primary_id,
        "PrimaryNameAttribute": next((c for c in PRIMARY_NAMES if c in table.columns), None),
        "DisplayName": label(singular),
        "DisplayCollectionName": label(plural),
        "IsCustomEntity": False,
        "IsActivity": table.primary_id == "activityid",
        "ChangeTrackingEnabled": True,
        "CanCreateAttributes": {"Value": table.can_create_attributes, "CanBeChanged": False,
                                "ManagedPropertyLogicalName": "cancreateattributes"},
    }


def metadata_id(table: Table) -> str:
    return str(uuid.uuid5(_NS, "entity:" + table.logical))


def _keyed(key: str) -> Table:
    found = _BY_NAME.match(key)
    if found:
        return table_by_logical(found["name"])
    table = next((t for t in TABLES.values() if metadata_id(t) == key.lower()), None)
    if table is None:
        raise DataverseError(404, "0x80040217", f"Could not find an entity with the key "
                                                f"'{key}'.")
    return table


def _shaped(row: dict, options: dict[str, str]) -> dict:
    select = options.get("$select")
    if select:
        wanted = set(select.split(","))
        for name in wanted - ENTITY_PROPERTIES:
            raise unknown_metadata_property("EntityMetadata", name)
        row = {k: v for k, v in row.items() if k in wanted | {"MetadataId"}}
    expand = options.get("$expand")
    if expand:
        found = _EXPAND.fullmatch(expand)
        if not found:
            raise unknown_metadata_property("EntityMetadata", expand.split("(", 1)[0])
        columns = {"$select": found["select"]} if found["select"] else {}
        row["Attributes"] = shaped(attribute_rows(table_by_logical(_logical_of(row)), None),
                                   columns, expandable=False)
    return row


def _logical_of(row: dict) -> str:
    return next(t.logical for t in TABLES.values() if metadata_id(t) == row["MetadataId"])


def _context(options: dict[str, str]) -> str:
    select = options.get("$select")
    return METADATA_SET + (f"({select})" if select else "")
