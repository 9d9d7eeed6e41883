"""What a portal says about its own data model: property definitions
(/crm/v3/properties/<type>) and custom object schemas (/crm/v3/schemas).

The sandbox's portals have no custom objects, so the schema list is empty and every
schema is not found, as in a portal that never created one.
https://developers.hubspot.com/docs/api/crm/properties
https://developers.hubspot.com/docs/api/crm/crm-custom-objects
"""

from typing import TYPE_CHECKING

from connectors.hubspot.sandbox.associated import SINGULAR
from connectors.hubspot.sandbox.routing import api_route, archived_arg, object_type
from connectors.hubspot.sandbox.schema import PROPERTIES, Prop, schema_scopes
from connectors.hubspot.sandbox.validate import HubSpotError, iso
from connectors.sdk.sandbox import Response, Sandbox

PROPERTY_EPOCH_MS = 1_577_836_800_000  # when the sandbox's properties were "created"
CUSTOM_SCHEMA_SCOPES = {"crm.schemas.custom.read"}


def property_json(object_type: str, prop: Prop, position: int) -> dict:
    """A property as HubSpot describes it (its Property model)."""
    stamp = iso(PROPERTY_EPOCH_MS)
    return {
        "name": prop.name, "label": prop.label, "type": prop.type, "fieldType": prop.field_type,
        "description": "",
        "groupName": f"{SINGULAR[object_type].replace('_', '')}information",
        "options": [{"label": label, "value": value, "displayOrder": n, "hidden": False}
                    for n, (value, label) in enumerate(prop.options)],
        "displayOrder": position, "calculated": prop.name == "amount" and prop.read_only,
        "externalOptions": prop.name == "hubspot_owner_id",
        "hasUniqueValue": prop.name == "hs_object_id", "hidden": False,
        "hubspotDefined": not prop.custom, "formField": not prop.read_only,
        "modificationMetadata": {"archivable": prop.custom,
                                 "readOnlyDefinition": not prop.custom,
                                 "readOnlyValue": prop.read_only},
        "dataSensitivity": "non_sensitive",
        "createdAt": stamp, "updatedAt": stamp, "archived": False,
    }


def _no_property(object_type: str, name: str) -> HubSpotError:
    return HubSpotError(404, f"Unable to find property {name} for {object_type}",
                        "OBJECT_NOT_FOUND")


class DefinitionRoutes(Sandbox):
    if TYPE_CHECKING:  # HubSpotSandbox's scope check (app.py)
        def need_any(self, request, scopes: set[str]) -> None: ...

    @api_route("GET", "/crm/v3/properties/{name}", query=("archived",))
    def properties_list(self, request, portal, name):
        """The sandbox keeps no archived properties: `archived=true` lists none."""
        kind = object_type(name)
        self.need_any(request, schema_scopes(kind))
        props = [] if archived_arg(request) else PROPERTIES[kind]
        return Response.json({"results": [property_json(kind, p, n)
                                          for n, p in enumerate(props)]})

    @api_route("GET", "/crm/v3/properties/{name}/{property_name}", query=("archived",))
    def properties_get(self, request, portal, name, property_name):
        kind = object_type(name)
        self.need_any(request, schema_scopes(kind))
        if archived_arg(request):
            raise _no_property(kind, property_name)
        for position, prop in enumerate(PROPERTIES[kind]):
            if prop.name == property_name:
                return Response.json(property_json(kind, prop, position))
        raise _no_property(kind, property_name)

    # Both paths are HubSpot's: /crm/v3/schemas in its guides, /crm-object-schemas/v3/schemas
    # in the official clients.
    @api_route("GET", "/crm/v3/schemas", query=("archived",))
    def schemas_list(self, request, portal):
        return self._no_schemas(request)

    @api_route("GET", "/crm-object-schemas/v3/schemas", query=("archived",))
    def schemas_list_client_path(self, request, portal):
        return self._no_schemas(request)

    @api_route("GET", "/crm/v3/schemas/{name}", query=("archived",))
    def schemas_get(self, request, portal, name):
        return self._no_schema(request, name)

    @api_route("GET", "/crm-object-schemas/v3/schemas/{name}", query=("archived",))
    def schemas_get_client_path(self, request, portal, name):
        return self._no_schema(request, name)

    def _no_schemas(self, request) -> Response:
        self.need_any(request, CUSTOM_SCHEMA_SCOPES)
        archived_arg(request)
        return Response.json({"results": []})

    def _no_schema(self, request, name: str) -> Response:
        self.need_any(request, CUSTOM_SCHEMA_SCOPES)
        raise HubSpotError(404, f"Unable to find object schema for {name}", "OBJECT_NOT_FOUND")
