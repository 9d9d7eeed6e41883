"""What the Map fields step shows: the mapping table, and the Add a mapping menus."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from syncapp.syncs.wizard.compat import (
    TO_APP,
    TO_HUB,
    TWO_WAY,
    FieldInfo,
    PairRule,
    effective_direction,
    pair_rule,
)
from syncapp.syncs.wizard.field_rules import rule_choices
from syncapp.syncs.wizard.state import MappingChoice, SyncSettings


@dataclass(frozen=True)
class MappingRow:
    key: str
    app_label: str
    app_type: str
    hub_label: str
    hub_type: str
    direction: str  # effective: two_way, to_hub, to_app, none
    enabled: bool
    required: bool
    is_default: bool
    paused: bool  # a custom mapping while all custom mappings are off
    missing: bool  # its field or property no longer exists
    value_map: list[tuple[str, str]]  # (app option label, hub option label)
    conflict_rule: str = ""  # "": the sync's winner
    rule_choices: tuple = ()  # (value, label): the rules this mapping's direction allows


def _value_map_labels(mapping: MappingChoice, app: FieldInfo | None, hub: FieldInfo | None):
    app_labels = dict(app.options) if app else {}
    hub_labels = dict(hub.options) if hub else {}
    return [(app_labels.get(a, a), hub_labels.get(h, h)) for a, h in mapping.value_map.items()]


def mapping_rows(settings: SyncSettings, app: dict[str, FieldInfo],
                 hub: dict[str, FieldInfo], app_name: str = "") -> list[MappingRow]:
    rows = []
    for m in settings.mappings:
        a, h = app.get(m.app_field), hub.get(m.hub_property)
        way = effective_direction(m.direction, settings.direction)
        rows.append(MappingRow(
            key=m.key, app_label=a.label if a else m.app_field,
            app_type=a.type_label if a else "", hub_label=h.label if h else m.hub_property,
            hub_type=h.type_label if h else "",
            direction=way, enabled=m.enabled, required=m.required, is_default=m.is_default,
            paused=not m.is_default and not settings.custom_mappings_on,
            missing=a is None or h is None, value_map=_value_map_labels(m, a, h),
            conflict_rule=m.conflict_rule,
            rule_choices=tuple(rule_choices(way, settings.winner, app_name, m.conflict_rule))))
    # Required first, then the defaults, then custom mappings, as the product lists them.
    return sorted(rows, key=lambda r: (not r.required, not r.is_default))


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""
    taken: bool = False  # already used by a mapping that is on


@dataclass
class AddPanel:
    app_field: str
    hub_property: str
    app_options: list[Option]
    hub_options: list[Option]
    rule: PairRule | None
    value_map: list[tuple[str, str, str]]  # (app value, app label, chosen hub value)
    hub_choices: list[tuple[str, str]]  # the hub property's options, for the value map
    error: str = ""

    @property
    def can_update(self) -> bool:
        return bool(self.rule and self.rule.allowed)


HINTS = {TWO_WAY: gettext_lazy("⇄ both ways"), TO_HUB: gettext_lazy("→ into Syncapp"),
         TO_APP: gettext_lazy("← into the app")}


def add_panel(settings: SyncSettings, app_fields: list[FieldInfo], hub_fields: list[FieldInfo],
              *, app_field: str, hub_property: str, app_name: str,
              posted_map=None) -> AddPanel:
    """The two menus: every app field; the hub properties compatible with the chosen one."""
    taken_hub = {m.hub_property for m in settings.mappings if m.enabled}
    app_by, hub_by = {f.name: f for f in app_fields}, {f.name: f for f in hub_fields}
    chosen_app, chosen_hub = app_by.get(app_field), hub_by.get(hub_property)
    app_options = [Option(f.name, f.label, f.type_label) for f in app_fields]
    hub_options = []
    for prop in hub_fields:
        rule = pair_rule(chosen_app, prop, app_name) if chosen_app else None
        if rule is not None and not rule.allowed and prop.name != hub_property:
            continue  # only compatible pairs are offered
        if rule is None:
            hint = prop.type_label
        else:
            hint = str(HINTS.get(rule.direction, _("✕ not compatible")))
        hub_options.append(Option(prop.name, prop.label, hint, prop.name in taken_hub))
    rule = pair_rule(chosen_app, chosen_hub, app_name) if chosen_app and chosen_hub else None
    value_map, hub_choices = [], []
    if rule is not None and rule.needs_value_map:
        hub_choices = list(chosen_hub.options)
        value_map = [(value, label, _default_target(value, label, hub_choices, posted_map))
                     for value, label in chosen_app.options]
    return AddPanel(app_field, hub_property, app_options, hub_options, rule, value_map,
                    hub_choices)


def _default_target(value: str, label: str, hub_choices, posted_map) -> str:
    if posted_map is not None and value in posted_map:
        return posted_map[value]
    wanted = {value.casefold(), str(label).casefold()}
    return next((h for h, hl in hub_choices
                 if h.casefold() in wanted or str(hl).casefold() in wanted), "")


def posted_value_map(data, keep_empty: bool = False) -> dict[str, str]:
    """{app option: hub option} from the value-map rows of the Add a mapping form."""
    result = {}
    for key in data:
        if key.startswith("vm-app-"):
            target = data.get(f"vm-hub-{key[len('vm-app-'):]}", "")
            if target or keep_empty:
                result[data[key]] = target
    return result
