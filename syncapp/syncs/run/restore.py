"""Resync and restore: recreate records deleted on one side from the other side's data.

A delete never spreads to the other side; the link waits as "deleted in hub" or
"deleted in <app>" until support staff bring the record back here (or a person
restores it by hand on its side, which the next run sees: syncs/run/step.py).
"""

from collections import Counter

from django.db import transaction

from connectors.sdk import ConnectorError
from syncapp.crm.models import Record
from syncapp.crm.services import Actor, RecordInvalid, restore_record
from syncapp.engine.config import SyncConfig
from syncapp.engine.planner import app_values_from_hub, plan_pair
from syncapp.syncs.models import Link, LinkStatus
from syncapp.syncs.run import hubside, store
from syncapp.syncs.run.executor import observed_last
from syncapp.syncs.run.failures import failure_text
from syncapp.syncs.run.field_labels import FieldLabels


def recreate_in_app(config: SyncConfig, connector, links: list[Link],
                    run_id: int | None = None) -> Counter:
    """Links deleted in the app: create the app record again from the hub record."""
    counts: Counter[str] = Counter()
    if not config.writes_app:
        return counts  # the direction decides which side may be written; nothing overrides it
    links = [lk for lk in links if lk.status == LinkStatus.DELETED_IN_APP and lk.hub_record_id]
    hubs = hubside.load(config.portal_id, config.hub_object, [lk.hub_record_id for lk in links])
    todo = [(lk, hubs[lk.hub_record_id]) for lk in links
            if lk.hub_record_id in hubs and not hubs[lk.hub_record_id].archived]
    changes, labels = store.Changes(), FieldLabels(connector, config.app_object)
    for start in range(0, len(todo), 50):
        chunk = todo[start:start + 50]
        items = [(str(hub.id), app_values_from_hub(config, hub.values)) for _, hub in chunk]
        outcomes = connector.create(config.app_object, items)
        for (link, hub), outcome in zip(chunk, outcomes, strict=True):
            changes.touch(link)
            if not outcome.ok:
                _failed(changes, link, "app", outcome.error, counts, labels=labels)
                continue
            link.app_id = outcome.record.id
            link.last_synced = observed_last(config, hub.values, outcome.record.values)
            store.mark(link, LinkStatus.IN_SYNC)
            changes.note(link, "app", "recreated", {}, "resynced from Syncapp's record")
            counts["restored"] += 1
    with transaction.atomic():
        store.save(changes, config.portal_id, run_id)
    return counts


def restore_in_hub(config: SyncConfig, connector, links: list[Link],
                   run_id: int | None = None) -> Counter:
    """Links deleted in the hub: restore the archived hub record and sync the pair from
    the link's last-synced values, so what changed in the app meanwhile reaches it.
    Links deleted on both sides get their archived hub record back as it was."""
    counts: Counter[str] = Counter()
    changes = store.Changes()
    actor = Actor(object_sync_id=config.object_sync_id)
    for link in links:
        if link.status == LinkStatus.DELETED_BOTH and link.hub_record_id:
            changes.touch(link)
            _restore_archived_only(link, actor, changes, counts)
    links = [lk for lk in links if lk.status == LinkStatus.DELETED_IN_HUB and lk.app_id]
    found = {r.id: r for r in connector.read_by_ids(config.app_object,
                                                    [lk.app_id for lk in links])}
    for link in links:
        changes.touch(link)
        app = found.get(link.app_id)
        record = Record.objects.filter(pk=link.hub_record_id).first()
        if app is None or record is None:
            store.mark(link, LinkStatus.DELETED_BOTH, category=LinkStatus.DELETED_BOTH,
                       message="The record is gone on both sides; nothing live to restore "
                               "from.")
            counts["failed"] += 1
            continue
        plan = plan_pair(config, record.properties, app.values, link.last_synced or None,
                         modified=(record.updated_at, app.modified_at))
        error = _update_app(config, connector, app, plan)
        if error is not None:
            _failed(changes, link, "app", error, counts,
                    labels=FieldLabels(connector, config.app_object))
            continue
        try:
            with transaction.atomic():
                restore_record(record, actor)
                _refresh_hub(config, record, plan, link, changes)
        except RecordInvalid as exc:
            _failed(changes, link, "hub", exc, counts)
            continue
        counts["restored"] += 1
    with transaction.atomic():
        store.save(changes, config.portal_id, run_id)
    return counts


def _restore_archived_only(link: Link, actor: Actor, changes, counts: Counter) -> None:
    """Deleted on both sides: no live record to copy from, but the hub archived its
    own. Restored, it is a record deleted in the app, which a resync can recreate."""
    record = Record.objects.filter(pk=link.hub_record_id).first()
    if record is None:
        counts["failed"] += 1
        return
    try:
        with transaction.atomic():
            restore_record(record, actor)
    except RecordInvalid:  # a live record took its identifier meanwhile
        counts["failed"] += 1
        return
    store.mark(link, LinkStatus.DELETED_IN_APP, category="not_found",
               message="Restored in Syncapp from its archived record; still deleted in the "
                       "app.")
    changes.note(link, "hub", "restored", {}, "restored from Syncapp's archived record")
    counts["restored"] += 1


def _update_app(config, connector, app, plan) -> ConnectorError | None:
    """The hub record may have changed before it was deleted, unseen: the app takes that
    change now, as a run would have, before the link says in sync."""
    if not plan.app_writes:
        return None
    outcome, = connector.update(config.app_object, [(app.id, plan.app_writes)])
    return None if outcome.ok else outcome.error


def _refresh_hub(config, record, plan, link, changes) -> None:
    # The link's last-synced values, as in any run: what changed in the app while the
    # hub record was deleted (a value cleared, say) is carried over, and a field changed
    # on both sides is a conflict the field's rule (by default the sync's winner) decides.
    if plan.hub_writes:
        result = hubside.update(config, {record.pk: plan.hub_writes})[record.pk]
        if isinstance(result, RecordInvalid):
            raise result
    link.last_synced = plan.last
    store.mark(link, LinkStatus.IN_SYNC)
    changes.note(link, "hub", "restored", plan.changes_hub, "restored from the app's record",
                 rules=plan.reasons)
    if plan.changes_app:  # each field by its rule, as a run would have written it
        changes.note(link, "app", "updated", plan.changes_app,
                     "changed in Syncapp before it was deleted",
                     rules=store.app_rules(config, plan))


def _failed(changes, link, side, error: ConnectorError | RecordInvalid, counts, *,
            labels: FieldLabels | None = None) -> None:
    category, vendor_text = failure_text(error)
    message = labels.readable(vendor_text) if labels else vendor_text
    store.mark(link, LinkStatus.FAILED, category=category, message=message)
    changes.note(link, side, "failed", {}, vendor_text)  # the history keeps the vendor's words
    counts["failed"] += 1
