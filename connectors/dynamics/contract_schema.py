"""JSON Schemas (draft 2020-12) of Dataverse's documented bodies, and `validate`, which
checks a body against one with the `jsonschema` package (a test dependency: only the
contract tests check bodies, through contract.py).
"""

from typing import Any

from jsonschema import Draft202012Validator

Schema = dict[str, Any]  # a JSON document

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
ENTITY: Schema = {
    "type": "object", "required": ["@odata.etag"],
    "propertyNames": {"pattern": r"^(@odata\.etag|[a-z_][a-z0-9_]*(@[A-Za-z.]+)?)$"},
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
    "propertyNames": {"pattern": r"^(@odata\.(etag|context)|[a-z_][a-z0-9_]*(@[A-Za-z.]+)?)$"},
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


def validate(schema: Schema, value: object, where: str) -> list[str]:
    """Every way `value` departs from `schema`, as "where.path: problem" lines."""
    return [f"{where}{error.json_path.removeprefix('$')}: {error.message}"
            for error in Draft202012Validator(schema).iter_errors(value)]
