"""JSON-schema-like descriptions of Dataverse's documented bodies, and a checker.

The checker knows the few keywords the schemas use: type, required, properties,
additionalProperties (False or a schema), propertyNames (a pattern), pattern,
enum, items, anyOf.
"""

import re

GUID = {"type": "string", "pattern": r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$"}
URL = {"type": "string", "pattern": r"^https?://"}
PRIMITIVE = {"type": ["string", "number", "boolean", "null"]}

# {"error": {"code": "0x80040217", "message": "..."}}
ERROR = {
    "type": "object", "required": ["error"], "additionalProperties": False,
    "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string", "pattern": r"^0x[0-9a-fA-F]{8}$"},
                       "message": {"type": "string"},
                       "innererror": {"type": "object"}},
    }},
}

# A row: its ETag, then columns (logical names, `_x_value` lookups) and annotations.
ENTITY = {
    "type": "object", "required": ["@odata.etag"],
    "propertyNames": r"^(@odata\.etag|[a-z_][a-z0-9_]*(@[A-Za-z.]+)?)$",
    "properties": {"@odata.etag": {"type": "string", "pattern": r'^W/"\d+"$'}},
    "additionalProperties": PRIMITIVE,
}

# {"@odata.context": "…/$metadata#contacts/$deletedEntity", "id": "…", "reason": "deleted"}
DELETED_ENTITY = {
    "type": "object", "required": ["@odata.context", "id", "reason"],
    "additionalProperties": False,
    "properties": {"@odata.context": {"type": "string", "pattern": r"/\$deletedEntity$"},
                   "id": GUID, "reason": {"enum": ["deleted", "changed"]}},
}

COLLECTION = {
    "type": "object", "required": ["@odata.context", "value"], "additionalProperties": False,
    "properties": {
        "@odata.context": {"type": "string", "pattern": r"/\$metadata#"},
        "value": {"type": "array", "items": {"anyOf": [DELETED_ENTITY, ENTITY]}},
        "@odata.nextLink": {**URL, "pattern": r"^https?://.*[?&]\$skiptoken="},
        "@odata.deltaLink": {**URL, "pattern": r"^https?://.*[?&]\$deltatoken="},
        "@odata.count": {"type": "number"},
    },
}

ENTITY_REPLY = {
    **ENTITY, "required": ["@odata.context", "@odata.etag"],
    "propertyNames": r"^(@odata\.(etag|context)|[a-z_][a-z0-9_]*(@[A-Za-z.]+)?)$",
    "properties": {**ENTITY["properties"],
                   "@odata.context": {"type": "string", "pattern": r"/\$metadata#.+/\$entity$"}},
}

WHO_AM_I = {
    "type": "object", "required": ["@odata.context", "BusinessUnitId", "UserId",
                                   "OrganizationId"],
    "additionalProperties": False,
    "properties": {"@odata.context": {"type": "string"}, "BusinessUnitId": GUID,
                   "UserId": GUID, "OrganizationId": GUID},
}

INSTANCES = {
    "type": "object", "required": ["value"],
    "properties": {"value": {"type": "array", "items": {
        "type": "object", "required": ["Id", "ApiUrl"],
        "properties": {"Id": GUID, "UniqueName": {"type": "string"},
                       "UrlName": {"type": "string"}, "FriendlyName": {"type": "string"},
                       "State": {"enum": [0, 1]}, "Version": {"type": "string"},
                       "Url": URL, "ApiUrl": URL},
    }}},
}

LABEL = {"type": "object", "properties": {"UserLocalizedLabel": {"type": ["object", "null"]},
                                          "LocalizedLabels": {"type": "array"}}}
ATTRIBUTES = {
    "type": "object", "required": ["@odata.context", "value"],
    "properties": {"value": {"type": "array", "items": {
        "type": "object", "required": ["LogicalName", "MetadataId"],
        "properties": {"LogicalName": {"type": "string", "pattern": r"^[a-z_][a-z0-9_]*$"},
                       "MetadataId": GUID, "AttributeType": {"type": "string"},
                       "DisplayName": LABEL, "IsCustomAttribute": {"type": "boolean"},
                       "AttributeOf": {"type": ["string", "null"]},
                       "OptionSet": {"type": "object"}},
    }}},
}

_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def validate(schema: dict, value, path: str) -> list[str]:
    """Every way `value` departs from `schema`, as "path: problem" lines."""
    for check in (_any_of, _enum, _type, _pattern):
        problem = check(schema, value, path)
        if problem is not None:
            return problem
    if isinstance(value, dict):
        return _object(schema, value, path)
    if isinstance(value, list) and "items" in schema:
        return [p for i, item in enumerate(value)
                for p in validate(schema["items"], item, f"{path}[{i}]")]
    return []


def _any_of(schema, value, path):
    if "anyOf" not in schema:
        return None
    if any(not validate(option, value, path) for option in schema["anyOf"]):
        return []
    return [f"{path}: matches none of the allowed shapes: {str(value)[:120]}"]


def _enum(schema, value, path):
    if "enum" not in schema:
        return None
    return [] if value in schema["enum"] else [f"{path}: {value!r} not in {schema['enum']}"]


def _type(schema, value, path):
    if "type" in schema and not _is_type(value, schema["type"]):
        return [f"{path}: expected {schema['type']}, got {type(value).__name__}"]
    return None


def _pattern(schema, value, path):
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        return [f"{path}: {value[:80]!r} does not match {schema['pattern']}"]
    return None


def _object(schema: dict, value: dict, path: str) -> list[str]:
    problems = [f"{path}: missing {name}" for name in schema.get("required", [])
                if name not in value]
    known = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    names = schema.get("propertyNames")
    for name, item in value.items():
        if names and not re.match(names, name):
            problems.append(f"{path}: unexpected member name {name!r}")
        if name in known:
            problems += validate(known[name], item, f"{path}.{name}")
        elif extra is False:
            problems.append(f"{path}: unexpected member {name!r}")
        elif isinstance(extra, dict):
            problems += validate(extra, item, f"{path}.{name}")
    return problems


def _is_type(value, wanted) -> bool:
    for name in wanted if isinstance(wanted, list) else [wanted]:
        if name == "number" and isinstance(value, int | float) and not isinstance(value, bool):
            return True
        if name == "integer" and isinstance(value, int) and not isinstance(value, bool):
            return True
        if name in _TYPES and isinstance(value, _TYPES[name]):
            return True
    return False
