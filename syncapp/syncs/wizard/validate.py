"""Checks the wizard runs before it keeps anything: one message per refusal.

Every check runs on the whole working copy, so a form is either kept whole or
refused whole ("nothing half-saved").
"""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from syncapp.core import params
from syncapp.crm.validation import canonical_number
from syncapp.syncs.wizard.compat import (
    MATCHABLE_TYPES,
    MAX_MATCH_FIELDS,
    TO_APP,
    TO_HUB,
    TWO_WAY,
    FieldInfo,
    effective_direction,
    pair_rule,
)
from syncapp.syncs.wizard.state import FilterChoice, MappingChoice, SyncSettings

OPERATOR_LABELS = {
    "is": gettext_lazy("is"),
    "is_not": gettext_lazy("is not"),
    "contains": gettext_lazy("contains"),
    "is_known": gettext_lazy("is known"),
    "is_unknown": gettext_lazy("is unknown"),
    "gt": gettext_lazy("is greater than"),
    "lt": gettext_lazy("is less than"),
    "before": gettext_lazy("is before"),
    "after": gettext_lazy("is after"),
    "is_any_of": gettext_lazy("is any of"),
}
NO_VALUE = {"is_known", "is_unknown"}
_TEXT_OPS = ("is", "is_not", "contains", "is_any_of", "is_known", "is_unknown")
OPERATORS_BY_KIND = {
    "text": _TEXT_OPS,
    "owner": _TEXT_OPS,
    "reference": _TEXT_OPS,
    "number": ("is", "is_not", "gt", "lt", "is_any_of", "is_known", "is_unknown"),
    "date": ("is", "before", "after", "is_known", "is_unknown"),
    "datetime": ("before", "after", "is_known", "is_unknown"),
    "boolean": ("is", "is_not", "is_known", "is_unknown"),
    "enumeration": ("is", "is_not", "is_any_of", "is_known", "is_unknown"),
    "radio": ("is", "is_not", "is_any_of", "is_known", "is_unknown"),
    "multi_enumeration": ("contains", "is_known", "is_unknown"),
}


class Invalid(ValueError):
    """A refusal, with the message to show and the form field it concerns."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def operators_for(info: FieldInfo) -> tuple[str, ...]:
    return OPERATORS_BY_KIND.get(info.kind, _TEXT_OPS)


# --- mappings ---------------------------------------------------------------------------


def writes_hub(mapping: MappingChoice) -> bool:
    return mapping.direction in (TWO_WAY, TO_HUB)


def writes_app(mapping: MappingChoice) -> bool:
    return mapping.direction != TO_HUB


def check_mappings(settings: SyncSettings, app: dict[str, FieldInfo],
                   hub: dict[str, FieldInfo], *, app_name: str, custom_allowed: bool) -> None:
    """Refuse a set of mappings the engine could not honour."""
    for mapping in settings.mappings:
        if mapping.required and not mapping.enabled:
            label = _label(app, mapping.app_field)
            raise Invalid(_("“%(field)s” is required by this sync and can't be turned off.")
                          % {"field": label}, mapping.key)
    enabled = [m for m in settings.mappings if m.enabled]
    for mapping in enabled:
        _check_exists(mapping, app, hub, app_name)
        if not mapping.is_default:
            _check_custom(mapping, app, hub, app_name, settings.direction)
    _check_one_writer(enabled, app, hub, app_name)
    custom_on = [m for m in settings.active_mappings() if not m.is_default]
    if custom_on and not custom_allowed:
        raise Invalid(_("Custom mappings need a paid plan. Turn them off, or remove them, to "
                        "save these settings."))


def _label(fields: dict[str, FieldInfo], name: str) -> str:
    info = fields.get(name)
    return info.label if info else name


def _check_exists(mapping: MappingChoice, app, hub, app_name: str) -> None:
    if mapping.hub_property not in hub:
        raise Invalid(_("The Syncapp property “%(property)s” no longer exists: it was deleted "
                        "after this mapping was made. Turn the mapping off or remove it.")
                      % {"property": mapping.hub_property}, mapping.key)
    if mapping.app_field not in app:
        raise Invalid(_("The %(app)s field “%(field)s” no longer exists. Turn the mapping off "
                        "or remove it.") % {"app": app_name, "field": mapping.app_field},
                      mapping.key)


def _check_custom(mapping: MappingChoice, app, hub, app_name: str, sync_direction: str) -> None:
    rule = pair_rule(app[mapping.app_field], hub[mapping.hub_property], app_name)
    if not rule.allowed:
        raise Invalid(rule.reason, mapping.key)
    if mapping.direction != rule.direction:
        raise Invalid(_("“%(app)s” → “%(hub)s” can only sync the way the rules allow: %(why)s")
                      % {"app": app[mapping.app_field].label,
                         "hub": hub[mapping.hub_property].label, "why": rule.reason},
                      mapping.key)
    if rule.needs_value_map:
        check_value_map(mapping, app[mapping.app_field], hub[mapping.hub_property])
        check_value_map_complete(mapping, app[mapping.app_field], hub[mapping.hub_property],
                                 app_name, sync_direction)


def check_value_map(mapping: MappingChoice, app: FieldInfo, hub: FieldInfo) -> None:
    hub_options = {value for value, _label in hub.options}
    app_options = {value for value, _label in app.options}
    targets: dict[str, str] = {}
    for app_value, hub_value in mapping.value_map.items():
        if app_options and app_value not in app_options:
            raise Invalid(_("“%(value)s” is not an option of “%(field)s”.")
                          % {"value": app_value, "field": app.label}, mapping.key)
        if hub_value not in hub_options:
            raise Invalid(_("“%(value)s” is not an option of “%(field)s”.")
                          % {"value": hub_value, "field": hub.label}, mapping.key)
        if hub_value in targets and mapping.direction == TWO_WAY:
            raise Invalid(_("“%(one)s” and “%(two)s” both become “%(target)s”: a two-way "
                            "mapping needs one option for each, or the way back is unclear.")
                          % {"one": targets[hub_value], "two": app_value,
                             "target": hub_value}, mapping.key)
        targets[hub_value] = app_value


def unmapped_options(mapping: MappingChoice, app: FieldInfo, hub: FieldInfo,
                     sync_direction: str) -> tuple[list[str], list[str]]:
    """Options a value map would send as they are to a side that refuses them, by label:
    (app options going into Syncapp, Syncapp options going into the app).

    An option left out of the map ("Leave as it is") travels unchanged (the engine's
    MappingRule), and a dropdown whose options are known refuses any other value, on
    either side. Only the ways this mapping really syncs, within the sync's direction,
    are asked for."""
    way = effective_direction(mapping.direction, sync_direction)
    into_hub, into_app = [], []
    hub_values, app_values = {v for v, _ in hub.options}, {v for v, _ in app.options}
    if way in (TWO_WAY, TO_HUB) and hub_values:
        into_hub = [label for value, label in app.options
                    if (mapping.value_map.get(value) or value) not in hub_values]
    if way in (TWO_WAY, TO_APP) and app_values:
        back = {target: source for source, target in mapping.value_map.items() if target}
        into_app = [label for value, label in hub.options
                    if back.get(value, value) not in app_values]
    return into_hub, into_app


def check_value_map_complete(mapping: MappingChoice, app: FieldInfo, hub: FieldInfo,
                             app_name: str, sync_direction: str) -> None:
    """Refuse a value map that would make records fail: name every option to map."""
    into_hub, into_app = unmapped_options(mapping, app, hub, sync_direction)
    if not into_hub and not into_app:
        return
    names = {"app": app_name, "app_field": app.label, "hub_field": hub.label}
    parts = []
    if into_hub:
        parts.append(_("Choose a Syncapp option for %(options)s: left as they are, Syncapp's "
                       "“%(hub_field)s” refuses them.") % {**names, "options": _quoted(into_hub)})
    if into_app:
        parts.append(_("No %(app)s option becomes Syncapp's %(options)s, and %(app)s's "
                       "“%(app_field)s” refuses them as they are: choose each of them for one "
                       "of the %(app)s options.")
                     % {**names, "options": _quoted(into_app)})
    raise Invalid(" ".join(parts), mapping.key)


def _quoted(labels: list[str]) -> str:
    return ", ".join(f"“{label}”" for label in labels)


def _check_one_writer(enabled: list[MappingChoice], app, hub, app_name: str) -> None:
    seen: dict[str, MappingChoice] = {}
    for mapping in enabled:
        other = seen.get(mapping.hub_property)
        if other is not None:
            raise Invalid(_("Two mappings use the Syncapp property “%(property)s” (from "
                            "“%(one)s” and from “%(two)s”): one property can take its value "
                            "from one field only. Turn one of them off.")
                          % {"property": _label(hub, mapping.hub_property),
                             "one": _label(app, other.app_field),
                             "two": _label(app, mapping.app_field)}, mapping.key)
        seen[mapping.hub_property] = mapping
    written: dict[str, MappingChoice] = {}
    for mapping in (m for m in enabled if writes_app(m)):
        other = written.get(mapping.app_field)
        if other is not None:
            raise Invalid(_("Two mappings write the %(app)s field “%(field)s” (from “%(one)s” "
                            "and from “%(two)s”). Turn one of them off.")
                          % {"app": app_name, "field": _label(app, mapping.app_field),
                             "one": _label(hub, other.hub_property),
                             "two": _label(hub, mapping.hub_property)}, mapping.key)
        written[mapping.app_field] = mapping


# --- filters ----------------------------------------------------------------------------


def clean_filter(row: FilterChoice, fields: dict[str, FieldInfo]) -> FilterChoice:
    """The row with its value in canonical form, or Invalid."""
    info = fields.get(row.field)
    if info is None:
        raise Invalid(_("Choose a property for each condition."), "field")
    if row.operator not in operators_for(info):
        raise Invalid(_("“%(operator)s” can't be used with “%(field)s”.")
                      % {"operator": OPERATOR_LABELS.get(row.operator, row.operator),
                         "field": info.label}, "operator")
    if row.operator in NO_VALUE:
        return FilterChoice(row.side, row.field, row.operator, None)
    value = row.value
    raw = ", ".join(map(str, value)) if isinstance(value, list) else str(
        "" if value is None else value).strip()
    if not raw:
        raise Invalid(_("Enter a value for “%(field)s”.") % {"field": info.label}, "value")
    if row.operator == "is_any_of":
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        return FilterChoice(row.side, row.field, row.operator,
                            [_clean_value(info, p) for p in parts])
    return FilterChoice(row.side, row.field, row.operator, _clean_value(info, raw))


def _clean_value(info: FieldInfo, raw: str) -> str:
    kind = info.kind
    names = {"field": info.label, "value": raw}
    if kind == "number":
        try:
            return canonical_number(params.decimal(raw, info.label))
        except params.BadParam as bad:
            raise Invalid(bad.message, "value") from None
    if kind in ("date", "datetime"):
        return _clean_moment(raw, names, with_time=kind == "datetime")
    if kind == "boolean":
        lowered = raw.lower()
        if lowered in ("true", "yes"):
            return "true"
        if lowered in ("false", "no"):
            return "false"
        raise Invalid(_("“%(field)s” is a checkbox: choose yes or no.") % names, "value")
    if kind in ("enumeration", "radio", "multi_enumeration") and info.options:
        for value, label in info.options:
            if raw.casefold() in (value.casefold(), str(label).casefold()):
                return value
        raise Invalid(_("“%(value)s” is not an option of “%(field)s”.") % names, "value")
    return raw


def _clean_moment(raw: str, names: dict, *, with_time: bool) -> str:
    """A date as YYYY-MM-DD; a date-and-time field also takes an ISO time (stored in UTC)."""
    try:
        if len(raw) <= 10 or not with_time:
            return dt.date.fromisoformat(raw).isoformat()
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(_("“%(field)s” is a date: enter it as YYYY-MM-DD, such as 2024-03-31 "
                        "(“%(value)s” is not one).") % names, "value") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except OverflowError:  # past the last representable moment once moved to UTC
        raise Invalid(_("“%(field)s” is a date: enter it as YYYY-MM-DD, such as 2024-03-31 "
                        "(“%(value)s” is not one).") % names, "value") from None


def check_filters(settings: SyncSettings, app: dict[str, FieldInfo],
                  hub: dict[str, FieldInfo]) -> None:
    for row in settings.filters:
        clean_filter(row, hub if row.side == "hub" else app)


def check_match_fields(settings: SyncSettings, app: dict[str, FieldInfo],
                       hub: dict[str, FieldInfo], *, app_name: str) -> None:
    """"Choose your fields": an ordered list of pairs, each side a field that can
    identify a record, no pair twice. Other matching settings keep no list."""
    if settings.matching != "custom":
        return
    pairs = settings.match_fields
    if not pairs:
        raise Invalid(_("Choose at least one pair of fields to match records by."),
                      "match_fields")
    if len(pairs) > MAX_MATCH_FIELDS:
        raise Invalid(_("Match by at most %(count)s pairs of fields.")
                      % {"count": MAX_MATCH_FIELDS}, "match_fields")
    seen = set()
    for app_field, hub_property in pairs:
        for name, fields, side in ((app_field, app, app_name), (hub_property, hub, "Syncapp")):
            info = fields.get(name)
            if info is None:
                raise Invalid(_("“%(field)s” is not a %(side)s field.")
                              % {"field": name, "side": side}, "match_fields")
            if info.type not in MATCHABLE_TYPES:
                raise Invalid(_("%(side)s field “%(field)s” cannot identify a record (it is "
                                "%(type)s): choose a text or number field.")
                              % {"side": side, "field": info.label, "type": info.type_label},
                              "match_fields")
        if (app_field, hub_property) in seen:
            raise Invalid(_("The pair %(app)s ↔ %(hub)s is listed twice.")
                          % {"app": app[app_field].label, "hub": hub[hub_property].label},
                          "match_fields")
        seen.add((app_field, hub_property))
