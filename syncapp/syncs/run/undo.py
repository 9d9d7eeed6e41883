"""Undo a run: put back what it wrote, where nobody changed it since (DESIGN: Safety).

An undo is a run itself (kind "undo", naming the run it undoes), started by support or
an admin after a review (undo_plan.review, syncs/undo_start.py), worked off by a
Celery task in batches of the undone run's records while holding the sync's run lock,
so it never runs beside the engine. Per batch (decisions in undo_plan.py):

- app fields still holding what the run wrote get their old values back, through
  the app's precondition where it has one (executor.write_conditions); hub fields
  likewise, with a write conditional on the row still holding them (hubside.update);
- a field changed since is a conflict: listed, left alone;
- a record the run created is archived in the hub (never deleted) or deleted in the
  app where the connector can, and its link removed: nothing left to fail or resync;
- a record deleted since is listed and skipped.

Its history rows have the run's shape ({side: {field: [old, new, rule]}}), so an undo
can be undone. Its hub writes are logged as the system's, not the sync's: the next
run reads them. Last-synced values of a field put back say what the two sides hold
after the undo, agreeing or not: the next run carries nothing, neither the run's value
back nor the value put back across (which could empty the other side: undoing a new
mapping puts back empty hub fields that the app still fills). Each side holds what it
held before the run, and stays so until a person changes one of them.
"""

import time
from collections import Counter

from django.db import transaction
from django.utils import timezone

from connectors.sdk import ConnectorError, ErrorCategory
from syncapp.crm.bulk import ChangedSinceRead
from syncapp.crm.services import SYSTEM, Actor, RecordInvalid, archive_record
from syncapp.engine.config import APP, HUB
from syncapp.engine.rules import pack
from syncapp.integrations.catalog import connector_class, connector_for
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import Link, Run, RunKind, RunStatus
from syncapp.syncs.run import hubside, store
from syncapp.syncs.run.executor import write_chunk_size, write_conditions
from syncapp.syncs.run.failures import failure_text
from syncapp.syncs.run.locks import acquired, held, run_lock_name
from syncapp.syncs.run.undo_plan import (
    Conflict,
    RecordUndo,
    decide,
    effects_of,
    undoable_links,
)

BATCH = 100
SLICE_S = 20.0
DONE, MORE, BUSY = "done", "more", "busy"


# --- working it off ---------------------------------------------------------------------


def work(undo_id: int, connector=None, budget_s: float = SLICE_S) -> str:
    """Work on undo run `undo_id` for up to `budget_s`: DONE, MORE (call again) or BUSY
    (the sync's run lock is taken, or the app asked us to wait: call again later)."""
    undo = Run.objects.select_related("object_sync__connection").filter(
        pk=undo_id, kind=RunKind.UNDO).first()
    if undo is None or undo.status != RunStatus.RUNNING:
        return DONE
    Run.objects.filter(pk=undo.pk).update(alive_at=timezone.now())  # see stale()
    lock = acquired(run_lock_name(undo.object_sync_id))
    if lock is None:
        return BUSY
    with held(lock):
        return _work(undo, connector, budget_s)


def _work(undo: Run, connector, budget_s: float) -> str:
    sync = undo.object_sync
    if undo.undoes_id is None:  # the run was pruned meanwhile
        _finish(undo, RunStatus.FAILED, "The run to undo no longer exists.")
        return DONE
    # A connector handed in (tests) brings its own spec, as in SyncRunner.
    cls = type(connector) if connector else connector_class(sync.connection.app_key)
    config = build_config(sync, cls)
    with connector_for(sync.connection, connector) as writing:
        deadline = time.monotonic() + budget_s
        try:
            while time.monotonic() < deadline:
                ids = undoable_links(undo.undoes_id, after=undo.counts.get("after", 0),
                                     limit=BATCH)
                if not ids:
                    _finish(undo, RunStatus.SUCCEEDED)
                    return DONE
                _Batch(undo, undo.undoes_id, config, writing).run(ids)
        except ConnectorError as exc:
            if exc.transient:
                return BUSY
            _finish(undo, RunStatus.FAILED, exc.vendor_message or exc.message,
                    str(exc.category))
            return DONE
        return MORE


def stale(silent_since) -> list[int]:
    """Undos still running that gave no sign of life since `silent_since`: their task's
    message was lost (a worker restart), and the sweeper sends it again."""
    return list(Run.objects.filter(kind=RunKind.UNDO, status=RunStatus.RUNNING,
                                   alive_at__lt=silent_since).values_list("pk", flat=True))


def _finish(undo: Run, status: str, message: str = "", category: str = "") -> None:
    Run.objects.filter(pk=undo.pk).update(status=status, finished_at=timezone.now(),
                                          error_message=message, error_category=category)


class _Batch:
    """One batch of the undone run's records: app writes first, then one hub transaction."""

    def __init__(self, undo: Run, undoes_id: int, config, connector):
        self.undo, self.undoes_id, self.config, self.connector = undo, undoes_id, config, connector
        self.app_object = config.app_object
        self.counts: Counter = Counter()
        self.changes = store.Changes()
        self.outage: ConnectorError | None = None
        self.versions: dict[str, str | None] = {}  # app id -> version read
        self.refusals: dict[str, ConnectorError] = {}  # app id -> why a delete failed
        self.hubs: dict = {}  # hub record id -> hubside.HubRecord as read before writing
        self.rule = f"undo of run {undoes_id}"

    def run(self, ids: list[int]) -> None:
        records, app_now = self._decide(ids)
        removed = self._remove_in_app([r for r in records if r.remove == APP])
        stored = self._put_back_in_app([r for r in records if r.back[APP]], app_now)
        with transaction.atomic():
            hub_now = self._put_back_in_hub([r for r in records if r.back[HUB]])
            for record in records:
                if not record.remove:
                    self._settle(record, *self._held_now(record.link, hub_now, stored, app_now))
            self._remove_links([r for r in records if r.remove], removed)
            store.save(self.changes, self.config.portal_id, self.undo.pk)
            merged = Counter(self.undo.counts) + self.counts
            # The app asked us to wait: the batch is done again when it is back (what
            # went back already reads as back, and is left as it is).
            after = self.undo.counts.get("after", 0) if self.outage else ids[-1]
            self.undo.counts = {**merged, "after": after}
            Run.objects.filter(pk=self.undo.pk).update(counts=self.undo.counts)
        if self.outage is not None:
            raise self.outage  # the batch is saved; the undo comes back when the app does

    def _decide(self, ids: list[int]) -> tuple[list[RecordUndo], dict[str, dict]]:
        effects = effects_of(self.undoes_id, ids)
        links = list(Link.objects.filter(object_sync_id=self.config.object_sync_id,
                                         pk__in=ids).order_by("pk"))
        hubs = self.hubs = hubside.load(self.config.portal_id, self.config.hub_object,
                                        [lk.hub_record_id for lk in links if lk.hub_record_id])
        # Every app record with values put back, whichever side: the last-synced values
        # of a field put back are decided from what both sides hold.
        wanted = [lk.app_id for lk in links if lk.app_id and not effects[lk.pk].created]
        found = self.connector.read_by_ids(self.app_object, wanted) if wanted else []
        self.versions = {r.id: r.version for r in found}
        app_now = {r.id: dict(r.values) for r in found}
        return [decide(self.config, effects[lk.pk], lk, hubs.get(lk.hub_record_id),
                       app_now.get(lk.app_id)) for lk in links], app_now

    def _held_now(self, link: Link, hub_now: dict[int, dict], stored: dict[str, dict],
                  app_now: dict[str, dict]) -> tuple[dict, dict]:
        """What the hub and the app hold of the link's records after the batch's writes:
        as written back, else as read before writing."""
        hub_id, app_id = link.hub_record_id, link.app_id
        hub = hub_now.get(hub_id) if hub_id is not None else None
        app = (stored.get(app_id) or app_now.get(app_id, {})) if app_id is not None else {}
        return hub or self._hub_values(hub_id), app

    def _hub_values(self, hub_id: int | None) -> dict:
        hub = self.hubs.get(hub_id)
        return hub.values if hub is not None else {}

    def _remove_in_app(self, records: list[RecordUndo]) -> dict[str, str]:
        """Delete the app records the run created: app id -> "deleted", "gone" (deleted
        already), "kept" (the connector cannot delete), "again" (the app asked us to wait)
        or "failed"."""
        ids = [r.link.app_id for r in records if r.link.app_id]
        outcome_of: dict[str, str] = {}
        size = write_chunk_size(self.connector, self.app_object)
        for start in range(0, len(ids), size):
            chunk = ids[start:start + size]
            try:
                outcomes = self.connector.delete(self.app_object, chunk)
            except NotImplementedError:
                outcome_of.update(dict.fromkeys(chunk, "kept"))
                continue
            for app_id, outcome in zip(chunk, outcomes, strict=True):
                outcome_of[app_id] = self._removal(outcome)
                if outcome_of[app_id] == "failed":
                    self.refusals[app_id] = outcome.error
        return outcome_of

    def _removal(self, outcome) -> str:
        if outcome.ok:
            return "deleted"
        if outcome.error.category == ErrorCategory.NOT_FOUND:
            return "gone"
        if outcome.error.connection_wide:
            self.outage = outcome.error
            return "again"  # the link stays; the batch is done again later
        return "failed"

    def _put_back_in_app(self, records: list[RecordUndo], app_now: dict) -> dict[str, dict]:
        """Write the old values back; app id -> what the app stored. A record changed
        since it was read (the app's precondition) turns its fields into conflicts."""
        items = [(_app_id(r), r.back[APP]) for r in records]
        conditions = write_conditions(self.connector, self.app_object,
                                      {app_id: self.versions.get(app_id) for app_id, _ in items})
        by_id = {_app_id(r): r for r in records}
        stored: dict[str, dict] = {}
        size = write_chunk_size(self.connector, self.app_object)
        for start in range(0, len(items), size):
            for outcome in self.connector.update(self.app_object, items[start:start + size],
                                                 **conditions):
                record = by_id[outcome.ref]
                if outcome.ok:
                    values = {**app_now.get(outcome.ref, {}), **record.back[APP]}
                    if outcome.record is not None:
                        values.update({k: v for k, v in outcome.record.values.items()
                                       if v is not None or k in record.back[APP]})
                        record.link.app_seen = outcome.record.stamp  # its echo is ours
                    stored[outcome.ref] = values
                else:
                    self._app_refused(record, outcome.error)
        return stored

    def _app_refused(self, record: RecordUndo, error: ConnectorError) -> None:
        if error.category == ErrorCategory.CHANGED_SINCE_READ:
            record.conflicts += [Conflict(APP, f, record.expect[APP][f], None)
                                 for f in record.back[APP]]
        elif error.category == ErrorCategory.NOT_FOUND:
            record.skipped = "deleted"
        elif error.connection_wide:
            self.outage = error  # not a failure of this record: done again later
            record.again = True
        else:
            self._failed(record, APP, error)
        record.back[APP] = {}

    def _put_back_in_hub(self, records: list[RecordUndo]) -> dict[int, dict]:
        """Write the old values back where the rows still hold what the run wrote;
        hub record id -> its mapped values now."""
        updates = {_hub_id(r): r.back[HUB] for r in records}
        read = {_hub_id(r): r.expect[HUB] for r in records}
        results = hubside.update(self.config, updates, read, actor=SYSTEM)
        for record in records:
            result = results.get(_hub_id(record))
            if isinstance(result, ChangedSinceRead):
                record.conflicts += [Conflict(HUB, f, record.expect[HUB][f], None)
                                     for f in record.back[HUB]]
                record.back[HUB] = {}
            elif isinstance(result, RecordInvalid):
                self._failed(record, HUB, result)
                record.back[HUB] = {}
        return {hub_id: hub.values for hub_id, hub in hubside.load(
            self.config.portal_id, self.config.hub_object, list(updates)).items()}

    def _failed(self, record: RecordUndo, side: str, error) -> None:
        _category, text = failure_text(error)
        self.changes.note(self.changes.touch(record.link), side, "failed", {}, text)
        self.counts["failed"] += 1

    def _settle(self, record: RecordUndo, hub_now: dict, app_now: dict) -> None:
        link = record.link
        if record.skipped:
            self.changes.note(self.changes.touch(link), HUB, "skipped", {},
                              "deleted since the run: nothing put back")
            self.counts["skipped"] += 1
        for side in (HUB, APP):
            conflicts = [c.field for c in record.conflicts if c.side == side]
            if conflicts and not record.again:  # else listed when the record is done again
                self.changes.note(self.changes.touch(link), side, "conflict", {},
                                  "changed since the run, left alone: " + ", ".join(conflicts))
                self.counts["conflicts"] += len(conflicts)
            back = record.back[side]
            if back and not record.skipped:
                self.changes.note(self.changes.touch(link), side, "updated",
                                  {f: [record.expect[side][f], v] for f, v in back.items()},
                                  rules=dict.fromkeys(back, self.rule))
        if record.puts_back and not record.skipped:
            link.last_synced = self._last_synced(record, hub_now, app_now)
            self.counts["put_back"] += 0 if record.again else 1  # counted when done again

    def _last_synced(self, record: RecordUndo, hub_now: dict, app_now: dict) -> dict:
        """Last-synced values after the undo (see the module's docstring): what the two
        sides hold now, for every field put back, so the next run carries nothing."""
        last = dict(record.link.last_synced or {})
        for m in self.config.mappings:
            if m.hub_property in record.back[HUB] or m.app_field in record.back[APP]:
                last[m.hub_property] = pack(hub_now.get(m.hub_property),
                                            m.hub_value(app_now.get(m.app_field)))
        return last

    def _remove_links(self, records: list[RecordUndo], removed: dict[str, str]) -> None:
        """Records the run created: archived in the hub, their links removed (an app
        record the connector failed to delete keeps its link, counted as failed)."""
        gone = []
        for record in records:
            link = record.link
            if record.remove == APP:
                outcome = removed.get(link.app_id, "gone") if link.app_id else "gone"
                if outcome == "failed":
                    self._failed(record, APP, self.refusals[_app_id(record)])
                if outcome in ("failed", "again"):
                    continue
                self.counts["kept_in_app" if outcome == "kept" else "deleted_app"] += 1
            else:
                hub = hubside.record_of(link)
                if hub is not None:
                    archive_record(hub, Actor(object_sync_id=self.config.object_sync_id))
                self.counts["archived_hub"] += 1
            gone.append(link.pk)
        Link.objects.filter(pk__in=gone).delete()


# The app or hub record of a record with values put back on that side (decide() gives
# them only to records the run wrote to there, which its link names: a link's ids, once
# set, stay), or of an app record whose removal failed.


def _app_id(record: RecordUndo) -> str:
    assert record.link.app_id is not None, record.link
    return record.link.app_id


def _hub_id(record: RecordUndo) -> int:
    assert record.link.hub_record_id is not None, record.link
    return record.link.hub_record_id
