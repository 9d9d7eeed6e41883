"""Custom fields of a module, from Zoho's field metadata.

`GET /crm/v8/settings/fields?module=Contacts` answers `{"fields": [{"api_name",
"field_label", "data_type", "custom_field", "read_only", "system_mandatory",
"pick_list_values": [{"display_value", "actual_value"}]}, …]}`.
https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
"""

from connectors.sdk.spec import Field, FieldType, Option
from connectors.zoho.client import ZohoApi, malformed

T = FieldType
TYPES = {
    "text": T.TEXT, "textarea": T.TEXTAREA, "email": T.EMAIL, "phone": T.PHONE,
    "website": T.URL, "integer": T.NUMBER, "bigint": T.NUMBER, "double": T.NUMBER,
    "decimal": T.NUMBER, "currency": T.NUMBER, "percent": T.NUMBER, "boolean": T.BOOLEAN,
    "date": T.DATE, "datetime": T.DATETIME, "picklist": T.ENUMERATION,
    "multiselectpicklist": T.MULTI_ENUMERATION, "lookup": T.REFERENCE,
    "ownerlookup": T.OWNER, "autonumber": T.TEXT,
}


def to_field(meta: dict) -> Field | None:
    kind = TYPES.get(str(meta.get("data_type")))
    if kind is None or not isinstance(meta.get("api_name"), str):
        return None  # subforms, file uploads, formulas of other shapes: not synced
    options = tuple(
        Option(str(o.get("actual_value")), str(o.get("display_value") or o.get("actual_value")))
        for o in meta.get("pick_list_values") or () if isinstance(o, dict)
    )
    return Field(meta["api_name"], str(meta.get("field_label") or meta["api_name"]), kind,
                 required=bool(meta.get("system_mandatory")),
                 read_only=bool(meta.get("read_only")) or meta.get("data_type") == "autonumber",
                 options=options, custom=True)


def custom_fields(api: ZohoApi, module: str) -> tuple[Field, ...]:
    body = api.call("GET", "/settings/fields", params={"module": module})
    metas = body.get("fields")
    if not isinstance(metas, list):
        raise malformed("GET /settings/fields", body)
    found = (to_field(m) for m in metas if isinstance(m, dict) and m.get("custom_field"))
    return tuple(f for f in found if f is not None)
