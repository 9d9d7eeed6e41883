"""From a document to a plan: per sync, create / update / unchanged, and what changes.

A sync is named by its account (the connection the file is applied to) and its app
object, never by an id, so a file exported from one installation applies to another.
A key the file leaves out keeps the sync's current value (a new sync's default).

The settings a file asks for are checked by the wizard's own rules
(wizard.services.validate, wizard.validate.clean_filter): a config is refused for
exactly what the wizard's pages refuse, with the place in the file named.
"""

import json
from dataclasses import asdict, dataclass, field, replace

from django.utils.translation import gettext as _

from syncapp.integrations.catalog import connector_class
from syncapp.integrations.models import ConnectionStatus
from syncapp.syncs.config.alerts import export_alerts
from syncapp.syncs.config.document import SyncEntry, parse
from syncapp.syncs.config.errors import ConfigError
from syncapp.syncs.configure import default_mapping_rows
from syncapp.syncs.models import ObjectSync, default_poll_interval
from syncapp.syncs.wizard import services
from syncapp.syncs.wizard.compat import TWO_WAY, pair_rule
from syncapp.syncs.wizard.fields import app_fields, hub_properties
from syncapp.syncs.wizard.state import (
    SYNC_FIELDS,
    FilterChoice,
    MappingChoice,
    SyncSettings,
    from_rows,
    has_pending_edit,
)
from syncapp.syncs.wizard.validate import Invalid, clean_filter

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
ALERTS = "alerts"  # the change path of the sync's alert rule overrides
MAPPING_ATTRS = ("direction", "enabled", "required", "is_default", "value_map",
                 "conflict_rule")


@dataclass(frozen=True)
class FieldChange:
    """One changed setting: `path` as `direction`, `poll_interval_s`,
    `mappings[app_field|hub_property].enabled` or `filters.hub` (None: absent)."""

    path: str
    before: object
    after: object

    @property
    def before_text(self) -> str:
        return _shown(self.before)

    @property
    def after_text(self) -> str:
        return _shown(self.after)


def _shown(value) -> str:
    """A value as the file writes it (JSON), "—" when absent."""
    return "—" if value is None else json.dumps(value, ensure_ascii=False, default=str)


@dataclass(frozen=True)
class SyncPlan:
    path: str  # where the sync is in the file: syncs[0]
    app_object: str
    hub_object: str
    action: str  # CREATE, UPDATE or UNCHANGED
    sync_id: int | None
    base_version: int | None  # the sync's settings version the plan was made against
    settings: SyncSettings
    poll_interval_s: int
    changes: tuple[FieldChange, ...]
    replaces_pending_edit: bool = False  # someone's unsaved wizard edit will be lost
    alerts: dict = field(default_factory=dict)  # the sync's alert rule overrides


@dataclass(frozen=True)
class ConfigPlan:
    """What applying a document to one account would do; a plain value."""

    portal_id: int
    connection_id: int
    syncs: tuple[SyncPlan, ...]

    @property
    def changed(self) -> bool:
        return any(s.action != UNCHANGED for s in self.syncs)

    @property
    def fingerprint(self) -> str:
        """Stands for the state the plan was made against and what it would change: a
        plan made again later with another fingerprint is not the one that was shown."""
        return ";".join(f"{s.app_object}:{s.sync_id or 'new'}:{s.base_version or 0}:"
                        f"{s.action}:{len(s.changes)}" for s in self.syncs)


def plan(portal, connection, doc: dict) -> ConfigPlan:
    """The plan for applying `doc` to `connection` (an account of `portal`), or
    ConfigError naming the first place in the file that is refused."""
    if connection.portal_id != portal.pk:
        raise ConfigError("", _("This account is not one of this portal's."))
    parsed = parse(doc)
    if parsed.app != connection.app_key:
        raise ConfigError("app", _("This file is for the app “%(file)s”, but the account is "
                                   "on “%(app)s”.") % {"file": parsed.app,
                                                       "app": connection.app_key})
    existing = {s.app_object: s for s in ObjectSync.objects.filter(connection=connection)
                .select_related("connection", "portal")}
    the_plan = ConfigPlan(portal.pk, connection.pk, tuple(
        _plan_sync(portal, connection, entry, existing.get(entry.object))
        for entry in parsed.syncs))
    if the_plan.changed and connection.status != ConnectionStatus.CONNECTED:
        raise ConfigError("", _("This account needs reconnecting first (Actions → Manage "
                                "accounts)."))
    return the_plan


def _plan_sync(portal, connection, entry: SyncEntry, sync: ObjectSync | None) -> SyncPlan:
    cls = connector_class(connection.app_key)
    try:
        spec_object = cls.object_for(connection.account_extra, entry.object)
    except KeyError:
        raise ConfigError(f"{entry.path}.object", _("%(app)s has no object “%(object)s”.")
                          % {"app": cls.spec.name, "object": entry.object}) from None
    if entry.hub_object not in (None, spec_object.hub_object):
        raise ConfigError(f"{entry.path}.hub_object", _(
            "“%(object)s” syncs with “%(hub)s”, not “%(given)s”.")
            % {"object": entry.object, "hub": spec_object.hub_object, "given": entry.hub_object})
    if sync is None:
        allowed = spec_object.capabilities.directions
        scratch = ObjectSync(portal=portal, connection=connection, app_object=entry.object,
                             hub_object=spec_object.hub_object,
                             direction="two_way" if "two_way" in allowed else allowed[0])
        base = _new_sync_settings(scratch, spec_object)
        base_poll = default_poll_interval()
    else:
        scratch, base, base_poll = sync, from_rows(sync), sync.poll_interval_s
    catalogs = services.Catalogs(app_fields(connection, entry.object),
                                 hub_properties(portal, spec_object.hub_object), cls.spec.name)
    settings = _wanted(entry, base, catalogs)
    if settings.direction not in spec_object.capabilities.directions:
        raise ConfigError(f"{entry.path}.direction", _(
            "“%(object)s” syncs only %(allowed)s (a view is never written).")
            % {"object": entry.object,
               "allowed": ", ".join(spec_object.capabilities.directions)})
    _validate(scratch, settings, catalogs, entry.path)
    poll = entry.poll_interval_s or base_poll
    changes = settings_changes(base, settings)
    if poll != base_poll:
        changes.append(FieldChange("poll_interval_s", base_poll, poll))
    base_alerts = export_alerts(sync) if sync else {}
    alerts = base_alerts if entry.alerts is None else entry.alerts
    if alerts != base_alerts:
        changes.append(FieldChange(ALERTS, base_alerts, alerts))
    action = CREATE if sync is None else (UPDATE if changes else UNCHANGED)
    return SyncPlan(entry.path, entry.object, spec_object.hub_object, action,
                    sync.pk if sync else None, sync.version if sync else None, settings, poll,
                    tuple(changes), bool(sync and changes and has_pending_edit(sync)), alerts)


def _new_sync_settings(blank: ObjectSync, spec_object) -> SyncSettings:
    """What the wizard's new draft of this object starts with."""
    return SyncSettings(**{name: getattr(blank, name) for name in SYNC_FIELDS},
                        mappings=[MappingChoice(**row)
                                  for row in default_mapping_rows(spec_object)])


def _wanted(entry: SyncEntry, base: SyncSettings, catalogs) -> SyncSettings:
    settings = replace(base.copy(), **entry.fields)
    if entry.mappings is not None:
        settings = replace(settings, mappings=_mappings(entry, base, catalogs))
    if entry.filters is not None:
        settings = replace(settings, filters=_filters(entry, catalogs))
    return settings


def _mappings(entry: SyncEntry, base: SyncSettings, catalogs) -> list[MappingChoice]:
    """The file's mappings; which are defaults (and required) comes from the sync."""
    defaults = {m.key: m for m in base.mappings if m.is_default}
    chosen = []
    for index, row in enumerate(entry.mappings):
        path = f"{entry.path}.mappings[{index}]"
        key = f"{row['app_field']}|{row['hub_property']}"
        default = defaults.get(key)
        if default is not None:
            if row["direction"] not in (None, default.direction):
                raise ConfigError(f"{path}.direction", _(
                    "A default mapping syncs the way the app sets: %(direction)s.")
                    % {"direction": default.direction})
            chosen.append(replace(default, enabled=row["enabled"], value_map=row["value_map"],
                                  conflict_rule=row["conflict_rule"]))
        else:
            direction = row["direction"] or _rule_direction(row, catalogs)
            chosen.append(MappingChoice(row["app_field"], row["hub_property"], direction,
                                        row["enabled"], False, False, row["value_map"],
                                        row["conflict_rule"]))
    missing = [key for key in defaults if key not in {m.key for m in chosen}]
    if missing:
        raise ConfigError(f"{entry.path}.mappings", _(
            "The default mapping %(key)s is missing. Default mappings can't be removed: "
            "turn them off instead (enabled: false).") % {"key": missing[0].replace("|", " → ")})
    return chosen


def _rule_direction(row: dict, catalogs) -> str:
    """A custom mapping without a direction syncs the way the compatibility table says."""
    app = catalogs.app_by_name.get(row["app_field"])
    hub = catalogs.hub_by_name.get(row["hub_property"])
    if app is None or hub is None:
        return TWO_WAY  # refused by validation, which names the missing field
    return pair_rule(app, hub, catalogs.app_name).direction


def _filters(entry: SyncEntry, catalogs) -> list[FilterChoice]:
    """The file's filters, each in the canonical form the wizard keeps."""
    cleaned = []
    for index, row in enumerate(entry.filters):
        fields = catalogs.hub_by_name if row["side"] == "hub" else catalogs.app_by_name
        try:
            cleaned.append(clean_filter(FilterChoice(**row), fields))
        except Invalid as exc:
            raise ConfigError(f"{entry.path}.filters[{index}].{exc.field or 'field'}",
                              exc.message) from None
    return cleaned


def _validate(sync: ObjectSync, settings: SyncSettings, catalogs, path: str) -> None:
    try:
        services.validate(sync, settings, catalogs)
    except Invalid as exc:
        # The app's custom fields could not be read just now: say so, not "no longer exists".
        message = f"{exc.message} {catalogs.app.warning}" if catalogs.app.warning else exc.message
        raise ConfigError(invalid_path(exc, settings, path), message) from None


def invalid_path(exc: Invalid, settings: SyncSettings, path: str) -> str:
    """Where in the file the wizard's refusal points."""
    keys = [m.key for m in settings.mappings]
    if exc.field in keys:
        return f"{path}.mappings[{keys.index(exc.field)}]"
    if exc.field in SYNC_FIELDS:
        return f"{path}.{exc.field}"
    return path


def settings_changes(before: SyncSettings, after: SyncSettings) -> list[FieldChange]:
    """Every setting that differs, field by field; mappings compared by their pair (their
    order in the file does not matter), filters side by side."""
    changes = [FieldChange(name, getattr(before, name), getattr(after, name))
               for name in SYNC_FIELDS if getattr(before, name) != getattr(after, name)]
    old = {m.key: m for m in before.mappings}
    new = {m.key: m for m in after.mappings}
    for key in [*old, *(k for k in new if k not in old)]:
        where = f"mappings[{key}]"
        if key not in new:
            changes.append(FieldChange(where, asdict(old[key]), None))
        elif key not in old:
            changes.append(FieldChange(where, None, asdict(new[key])))
        else:
            changes += [FieldChange(f"{where}.{attr}", getattr(old[key], attr),
                                    getattr(new[key], attr))
                        for attr in MAPPING_ATTRS
                        if getattr(old[key], attr) != getattr(new[key], attr)]
    for side in ("hub", "app"):
        was = [asdict(f) for f in before.filters_for(side)]
        now = [asdict(f) for f in after.filters_for(side)]
        if was != now:
            changes.append(FieldChange(f"filters.{side}", was, now))
    return changes
