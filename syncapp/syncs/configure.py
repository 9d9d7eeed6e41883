"""From an object sync's saved settings to the engine's SyncConfig, and new syncs
seeded from the connector's defaults."""

from django.db import transaction

from connectors.sdk import Connector, FieldType
from syncapp.crm.identifier_table import EMAIL, by_property, groups_of
from syncapp.crm.models import PropertyDefinition
from syncapp.crm.schema import DISPLAY_NAME
from syncapp.engine.config import FilterRule, MappingRule, MatchRule, SyncConfig
from syncapp.syncs.models import Direction, FieldMapping, Matching, ObjectSync

PERSON_TYPES = {"contact", "lead"}


def key_column(hub_object: str, hub_property: str) -> tuple[str, str]:
    """(column, normaliser) matching by `hub_property` looks up: the indexed identifier
    column the hub keeps for it (crm/identifier_table.py), else the property's own
    value, compared trimmed and case-insensitive."""
    identifier = by_property(hub_object, hub_property)
    if identifier is not None:
        return identifier.column, identifier.normalizer
    return f"property:{hub_property}", "text"


def _app_field_for(spec_object, hub_property: str) -> str | None:
    return next((m.app_field for m in spec_object.default_mappings
                 if m.hub_property == hub_property), None)


def match_rules(sync: ObjectSync, spec_object) -> tuple[MatchRule, ...]:
    if sync.matching == Matching.NONE:
        return ()
    if sync.matching == Matching.CUSTOM:
        return tuple(MatchRule(app_field, hub_property, *key_column(sync.hub_object,
                                                                    hub_property),
                               hub_property, group)
                     for group, (app_field, hub_property) in enumerate(sync.match_fields))
    rules = []
    for group, identifiers in enumerate(groups_of(sync.hub_object)):
        for identifier in identifiers:
            app_field = spec_object.identifier_field(identifier.key)
            if app_field is None:
                continue
            if identifier.only_while_default_mapping and not sync.mappings.filter(
                    hub_property=identifier.hub_property, is_default=True,
                    enabled=True).exists():
                continue
            rules.append(MatchRule(app_field, identifier.hub_property, identifier.column,
                                   identifier.normalizer, identifier.label, group))
    return tuple(rules)


def build_config(sync: ObjectSync, connector_cls: type[Connector]) -> SyncConfig:
    spec_object = connector_cls.object_for(sync.connection.account_extra, sync.app_object)
    rows = sync.mappings.filter(enabled=True)
    if not sync.custom_mappings_on:  # the wizard's "custom mappings" toggle is off
        rows = rows.filter(is_default=True)
    hub_types = dict(PropertyDefinition.objects.filter(
        portal_id=sync.portal_id, object_type=sync.hub_object).values_list("name", "type"))
    mappings = tuple(
        MappingRule(m.app_field, m.hub_property, m.direction, tuple(m.value_map.items()),
                    _conversion(spec_object.field(m.app_field), hub_types.get(m.hub_property)),
                    m.conflict_rule)
        for m in rows.order_by("id")
    )
    person = sync.hub_object in PERSON_TYPES and sync.email_only
    custom = sync.matching == Matching.CUSTOM
    filters = _filters(sync)
    return SyncConfig(
        object_sync_id=sync.pk, portal_id=sync.portal_id, hub_object=sync.hub_object,
        app_object=sync.app_object, direction=sync.direction, winner=sync.winner,
        mappings=mappings, match_rules=match_rules(sync, spec_object),
        hub_email_field=EMAIL.hub_property if person else None,
        app_email_field=spec_object.identifier_field(EMAIL.key) if person else None,
        # "No identifier value" excludes by the list's first pair: a record without it
        # may still match by a later one, so only a record with none of them is excluded.
        hub_identifier_fields=tuple(h for _a, h in sync.match_fields) if custom else (),
        app_identifier_fields=tuple(a for a, _h in sync.match_fields) if custom else (),
        hub_filters=filters["hub"], app_filters=filters["app"],
        default_lifecycle_stage=sync.default_lifecycle_stage,
        app_name_fields=_app_name_fields(sync.hub_object, spec_object),
        app_name=connector_cls.spec.name,
    )


def _conversion(app_field, hub_type: str | None) -> str:
    app_type = str(app_field.type) if app_field is not None else ""
    if (app_type, hub_type) == ("date", "datetime"):
        return "date>datetime"
    if (app_type, hub_type) == ("datetime", "date"):
        return "datetime>date"
    return ""


def _filters(sync: ObjectSync) -> dict[str, tuple[FilterRule, ...]]:
    """Each side's filters, in the order they were added (one query for both)."""
    found: dict[str, list[FilterRule]] = {"hub": [], "app": []}
    for f in sync.filters.order_by("id"):
        found.setdefault(f.side, []).append(FilterRule(f.field, f.operator, f.value))
    return {side: tuple(rules) for side, rules in found.items()}


def _app_name_fields(hub_object: str, spec_object) -> tuple[str, ...]:
    for candidate in DISPLAY_NAME.get(hub_object, ()):
        fields = tuple(f for p in candidate if (f := _app_field_for(spec_object, p)))
        if fields:
            return fields
    return tuple(app_field for _key, app_field in spec_object.identifiers[:1])


def mapping_direction(spec_field, wanted: str) -> str:
    """A field read-only in the app can only flow to the hub."""
    if spec_field is not None and spec_field.read_only:
        return Direction.TO_HUB
    if spec_field is not None and spec_field.type == FieldType.OWNER:
        return Direction.TO_HUB
    return wanted


@transaction.atomic
def create_object_sync(connection, app_object: str, connector_cls, **settings) -> ObjectSync:
    """A new (draft) object sync with the connector's default mappings."""
    spec_object = connector_cls.object_for(connection.account_extra, app_object)
    allowed = spec_object.capabilities.directions
    if "direction" not in settings and Direction.TWO_WAY not in allowed:
        settings["direction"] = allowed[0]  # a view: to the hub, the only way it goes
    sync = ObjectSync.objects.create(
        portal_id=connection.portal_id, connection=connection, app_object=app_object,
        hub_object=settings.pop("hub_object", spec_object.hub_object), **settings,
    )
    FieldMapping.objects.bulk_create([
        FieldMapping(object_sync=sync, **row) for row in default_mapping_rows(spec_object)
    ])
    return sync


def default_mapping_rows(spec_object) -> list[dict]:
    """The mappings a new sync of `spec_object` starts with, as FieldMapping fields."""
    return [
        {"app_field": m.app_field, "hub_property": m.hub_property,
         "direction": mapping_direction(spec_object.field(m.app_field), str(m.direction)),
         "required": m.required, "is_default": True}
        for m in spec_object.default_mappings
    ]
