"""Applying a plan: through the wizard's own services, all of it or nothing.

Each sync goes the way the wizard's pages take it, so the same rules run and the
same audit entries are written:

- an existing sync that is on or off: its settings are kept as the wizard's working
  copy (services.commit) and saved (services.save), which audits SETTINGS_CHANGED
  with the diff and applies them from the next run;
- a new sync is created as a *draft* (services.start, then services.commit), exactly
  as far as the wizard takes it before its Review step. It starts syncing only when
  someone presses Save and sync on Review, after its dry run: a file applied from the
  command line (--yes) never starts moving records nobody has previewed. Save and
  sync then audits SYNC_CREATED, as for any sync set up by hand;
- a draft being updated stays a draft (the wizard audits nothing until it is saved).

The plan is checked again under row locks: a sync whose settings moved on since the
plan was made (or created meanwhile) makes the whole apply fail with StalePlan.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy

from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.integrations.models import Connection
from syncapp.syncs.config.alerts import set_alerts
from syncapp.syncs.config.errors import ConfigError, StalePlan
from syncapp.syncs.config.planning import (
    ALERTS,
    CREATE,
    UNCHANGED,
    ConfigPlan,
    SyncPlan,
    invalid_path,
)
from syncapp.syncs.models import ObjectSync, SyncState
from syncapp.syncs.wizard import preview, services, state
from syncapp.syncs.wizard.validate import Invalid

STALE = gettext_lazy("The syncs changed after this file was checked, so nothing was applied. "
                     "Check the file again to see what it would change now.")


@dataclass
class ApplyResult:
    created: list[ObjectSync] = field(default_factory=list)  # drafts, to review and save
    updated: list[ObjectSync] = field(default_factory=list)
    unchanged: list[ObjectSync] = field(default_factory=list)


def apply(plan: ConfigPlan, by=None) -> ApplyResult:
    """Apply `plan` whole, or raise StalePlan / ConfigError and change nothing. `by` is the
    request or user to audit (None: the system)."""
    result = ApplyResult()
    with transaction.atomic():
        connection = Connection.objects.get(pk=plan.connection_id, portal_id=plan.portal_id)
        for entry in plan.syncs:
            if entry.action == CREATE:
                result.created.append(_create(connection, entry))
                continue
            sync = _current(entry)
            if entry.action == UNCHANGED:
                result.unchanged.append(sync)
            else:
                _update(sync, entry, by)
                result.updated.append(sync)
    return result


def _current(entry: SyncPlan) -> ObjectSync:
    sync = ObjectSync.objects.select_for_update().select_related("connection", "portal").filter(
        pk=entry.sync_id).first()
    if sync is None or sync.version != entry.base_version:
        raise StalePlan(entry.path, STALE)
    return sync


def _create(connection: Connection, entry: SyncPlan) -> ObjectSync:
    if ObjectSync.objects.filter(connection=connection, app_object=entry.app_object).exists():
        raise StalePlan(entry.path, STALE)
    sync = services.start(connection, entry.app_object)
    _keep(sync, entry)
    sync.poll_interval_s = entry.poll_interval_s
    sync.save(update_fields=["poll_interval_s", "updated_at"])
    if entry.alerts:
        set_alerts(sync, entry.alerts)
    sync.refresh_from_db()
    return sync


def _update(sync: ObjectSync, entry: SyncPlan, by) -> None:
    before_poll = sync.poll_interval_s
    if any(c.path not in {"poll_interval_s", ALERTS} for c in entry.changes):
        _keep(sync, entry)
        if sync.state != SyncState.DRAFT:
            _save(sync, entry, by)
    if entry.poll_interval_s != before_poll:
        ObjectSync.objects.filter(pk=sync.pk).update(poll_interval_s=entry.poll_interval_s)
        if sync.state != SyncState.DRAFT:
            audit.record(by, AuditAction.SETTINGS_CHANGED, sync,
                         {"poll_interval_s": [before_poll, entry.poll_interval_s]})
    if any(c.path == ALERTS for c in entry.changes):
        set_alerts(sync, entry.alerts, by=by)  # audited there, with the diff
    sync.refresh_from_db()


def _keep(sync: ObjectSync, entry: SyncPlan) -> None:
    """The file's settings as the wizard's working copy (a draft's rows, else its edit)."""
    catalogs = services.catalogs_for(sync)
    try:
        services.commit(sync, state.token(sync), lambda _current: entry.settings.copy(),
                        catalogs)
    except Invalid as exc:  # the catalogs changed since the plan
        raise ConfigError(invalid_path(exc, entry.settings, entry.path), exc.message) from None


def _save(sync: ObjectSync, entry: SyncPlan, by) -> None:
    """Save the working copy as the wizard's Save does. The person applying saw the
    dry run with the plan, so its predicted failures count as accepted."""
    sync.refresh_from_db()
    catalogs = services.catalogs_for(sync)
    try:
        services.save(sync, state.token(sync), catalogs,
                      confirmed_failures=str(preview.predicted_failures(sync)), by=by)
    except Invalid as exc:
        raise ConfigError(invalid_path(exc, entry.settings, entry.path), exc.message) from None
