"""The fields of both sides as the wizard lists them: app fields and hub properties.

App fields are the connector's static fields plus the custom ones the vendor
reports now (one metadata call, cached briefly); when the vendor cannot be
reached the static fields still serve, with a warning.
"""

import logging
from dataclasses import asdict, dataclass, replace

import requests
from django.utils.translation import gettext as _

from connectors.sdk import ConnectorError, FieldType
from syncapp.core.queue import UNREACHABLE, cache_delete, cache_get, cache_set
from syncapp.crm.models import PropertyDefinition
from syncapp.crm.schema import READ_ONLY_PROPERTIES
from syncapp.integrations.catalog import build_connector, connector_class
from syncapp.integrations.models import Connection
from syncapp.integrations.texts import shown
from syncapp.syncs.wizard.compat import FieldInfo

log = logging.getLogger(__name__)
CACHE_S = 120
# Reference fields hold another record's id: they carry associations, not values.
UNMAPPABLE = {FieldType.REFERENCE}


@dataclass
class AppFields:
    fields: list[FieldInfo]
    warning: str = ""

    def get(self, name: str) -> FieldInfo | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def mappable(self) -> list[FieldInfo]:
        return [f for f in self.fields if f.type not in UNMAPPABLE]


def _info(field) -> FieldInfo:
    return FieldInfo(
        name=field.name, label=field.label, type=str(field.type), read_only=field.read_only,
        required=field.required, options=tuple((o.value, o.label) for o in field.options),
        custom=field.custom,
    )


def _shown(info: FieldInfo) -> FieldInfo:
    """A declared field's label and options in the reader's language; a custom field
    keeps the vendor's own words. (The cache keeps the English, for any reader.)"""
    if info.custom:
        return info
    return replace(info, label=shown(info.label),
                   options=tuple((value, shown(label)) for value, label in info.options))


def _cache_key(connection: Connection, app_object: str) -> str:
    stamp = connection.created_at.timestamp() if connection.created_at else 0
    return f"wizard:fields:{connection.pk}:{stamp}:{app_object}"


def app_fields(connection: Connection, app_object: str, connector=None) -> AppFields:
    """Every field of `app_object` in this account, custom fields included."""
    key = _cache_key(connection, app_object)
    cached = cache_get(key)
    if cached is not None:
        return AppFields([_shown(_from_cache(f)) for f in cached])
    static = connector_class(connection.app_key).object_for(
        connection.account_extra, app_object).fields
    built = connector is None
    try:
        connector = connector or build_connector(connection)
        try:
            fields = [_info(f) for f in connector.fields(app_object)]
        finally:
            if built:
                connector.close()  # a database app's connection slot, at once
    # (Redis down: the token's refresh lock and the rate limit cannot be taken either.)
    except (ConnectorError, requests.RequestException, NotImplementedError,
            *UNREACHABLE) as exc:
        log.warning("custom fields unavailable", extra={"connection_id": connection.pk,
                                                        "error": str(exc)})
        return AppFields([_shown(_info(f)) for f in static], _(
            "The app's custom fields could not be read just now, so only its standard fields "
            "are listed. Reload the page to try again."))
    cache_set(key, [asdict(f) for f in fields], CACHE_S)
    return AppFields([_shown(f) for f in fields])


def cached_app_fields(connection: Connection, app_object: str) -> list[FieldInfo]:
    """The fields last read from the vendor, else the static ones: never calls the vendor."""
    cached = cache_get(_cache_key(connection, app_object))
    if cached is not None:
        return [_shown(_from_cache(f)) for f in cached]
    spec = connector_class(connection.app_key).object_for(connection.account_extra, app_object)
    return [_shown(_info(f)) for f in spec.fields]


def _from_cache(data: dict) -> FieldInfo:
    return FieldInfo(**{**data, "options": tuple(map(tuple, data["options"]))})


def forget_app_fields(connection: Connection, app_object: str) -> None:
    cache_delete(_cache_key(connection, app_object))


def hub_properties(portal, hub_object: str) -> list[FieldInfo]:
    rows = PropertyDefinition.objects.for_portal(portal).filter(object_type=hub_object)
    return [
        FieldInfo(name=p.name, label=p.display_label, type=p.type, custom=p.is_custom,
                  read_only=p.name in READ_ONLY_PROPERTIES,
                  options=tuple(p.display_options))
        for p in rows.order_by("position", "id")
    ]


def by_name(fields: list[FieldInfo]) -> dict[str, FieldInfo]:
    return {f.name: f for f in fields}
