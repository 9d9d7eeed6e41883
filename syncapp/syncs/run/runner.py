"""Running an object sync: the initial sync's phases, then incremental catch-ups.

A run is cut into steps of one batch each. Every step commits its links, history,
counts and the cursors that cover them in one transaction, so a worker that dies
between steps loses nothing and a redone step writes nothing twice. A run gives
the worker back after a time budget; the task re-enqueues itself to go on.
"""

import logging
import time
from collections import Counter
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from connectors.sdk import ConnectorError, ErrorCategory
from connectors.sdk.errors import CONNECTION_WIDE, TRANSIENT
from syncapp.core.heap import few_collections
from syncapp.crm.changelog import head
from syncapp.crm.models import Record
from syncapp.engine.breaker import volume_of
from syncapp.integrations.catalog import build_connector, connector_class
from syncapp.integrations.models import ConnectionStatus
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, Run, RunKind, RunStatus, SyncState
from syncapp.syncs.models.held import MASS_CHANGE
from syncapp.syncs.run import breaker, hubside, store
from syncapp.syncs.run.ahead import ReadAhead
from syncapp.syncs.run.associations import (
    links_after,
    partners,
    pending_links,
    sync_associations,
    walk_partners_again,
)
from syncapp.syncs.run.echoes import drop_own_echoes
from syncapp.syncs.run.field_labels import FieldLabels
from syncapp.syncs.run.step import BatchRun
from syncapp.syncs.signals import run_ended

log = logging.getLogger(__name__)
BATCH = 200
DONE, MORE = "done", "more"
# An app create is announced by a pending link before it is sent. One still pending
# this long after, once the app's changes have been read again, was cut short by a
# worker that died: had it reached the app, the record would have come back through
# the change feed and matched its pending link. By then the dead worker's lock has
# expired and an app's change feed has caught up with its own indexing lag.
PENDING_GRACE = timedelta(seconds=settings.SYNC_PENDING_GRACE_S)
# Failures that pass by themselves: retried at the end of every run.
RETRIED = sorted(str(c) for c in TRANSIENT & CONNECTION_WIDE)
# What the end of a run retries or waits for (the link_to_retry index's condition).
LEFT_OVER = Q(status=LinkStatus.PENDING) | Q(status=LinkStatus.FAILED, error_category__in=RETRIED)
SHOWN_COUNTS = ("read", "matched", "excluded", "failed")  # every run shows these, 0 or not


class SyncRunner:
    def __init__(self, sync: ObjectSync, connector=None, batch: int = BATCH):
        self.sync = sync
        self.connector = connector or build_connector(sync.connection)
        try:
            cls = connector_class(sync.connection.app_key)
        except LookupError:  # an app no registry knows: the benchmark's in-process one
            cls = type(self.connector)
        self.config = build_config(sync, cls)
        self.batch = batch
        self.run = self._current_run()
        self.pages: breaker.RunPages | None = None  # the incremental run's pages read ahead
        self.counted = True  # False: applying a plan a person approved (syncs/run/breaker.py)
        self.ahead = ReadAhead(enabled=False)  # run_for reads ahead where it may
        # Where the initial sync's scans have read to, ahead of what has committed.
        self._app_read: str | None = sync.app_cursor or None
        self._hub_read: int = sync.hub_scan_after
        self.field_labels = FieldLabels(self.connector, self.config.app_object)
        self.links_left: bool | None = None  # None: not looked at yet (_left_over)

    # --- the run ------------------------------------------------------------------------

    def run_for(self, budget_s: float = 20.0) -> str:
        """Steps until the work is done or the budget is spent; DONE or MORE."""
        deadline = time.monotonic() + budget_s
        context = {"object_sync_id": self.sync.pk, "run_id": self.run.pk,
                   "connection_id": self.sync.connection_id}
        self.ahead = ReadAhead()
        with few_collections():  # the batch in flight too, committed by close()
            try:
                return self._steps(deadline, context)
            finally:
                self.ahead.close()

    def _steps(self, deadline: float, context: dict) -> str:
        try:
            while time.monotonic() < deadline:
                if not self._still_on():
                    self.ahead.settle()
                    Run.objects.filter(pk=self.run.pk).update(status=RunStatus.STOPPED,
                                                              finished_at=timezone.now())
                    log.info("run stopped: the sync is off", extra=context)
                    return self._ended()
                outcome = self.step()
                if outcome != MORE:
                    self.ahead.settle()
                if outcome == breaker.HOLD:
                    log.info("run held for review", extra=context)
                    return self._ended()
                if outcome == DONE:
                    self._finish(self._outcome())
                    log.info("run finished", extra={**context, "counts": self.run.counts})
                    return self._ended()
            self.ahead.settle()
        except ConnectorError as exc:
            exc = self._settled_after(exc)
            self._pause(exc)
            log.warning("run paused", extra={**context, "category": str(exc.category),
                                              "retry_after": exc.retry_after})
            return self._ended()
        log.info("run slice done", extra={**context, "counts": self.run.counts})
        return MORE

    def _settled_after(self, error: ConnectorError) -> ConnectorError:
        """The batch in flight commits before the run pauses; an outage it met itself
        came first, so the run pauses for that one."""
        try:
            self.ahead.settle()
        except ConnectorError as earlier:
            return earlier
        return error

    def _ended(self) -> str:
        """Tell alerts and webhooks that this run ended (they queue their work after
        the commit), so a failure reaches a person in seconds, not at the next check."""
        run_ended.send(sender=Run, run_id=self.run.pk, sync=self.sync)
        return DONE

    def _still_on(self) -> bool:
        """Turning a sync off stops its run at the next batch, not when the run ends."""
        return ObjectSync.objects.filter(pk=self.sync.pk, state=SyncState.ON).exists()

    def step(self) -> str:
        scan = {"app": self._initial_app, "hub": self._initial_hub}.get(self.sync.initial_phase)
        if not self.sync.initial_done and scan is not None:
            return scan()
        self.ahead.settle()  # the scans' last batch, before what reads its links
        return self._incremental() if self.sync.initial_done else self._initial_associations()

    def _current_run(self) -> Run:
        # An undo running beside it is not the engine's (syncs/run/undo.py).
        running = self.sync.runs.filter(status=RunStatus.RUNNING, kind__in=[
            RunKind.INITIAL, RunKind.INCREMENTAL]).order_by("-id").first()
        if running:
            return running
        if self.sync.initial_done:
            return self._new_run(RunKind.INCREMENTAL)  # one statement: no transaction
        with transaction.atomic():
            if not self.sync.hub_cursor:
                # Hub changes made while the initial sync runs are caught up afterwards.
                self._save_sync(hub_cursor=head(self.sync.portal, self.sync.hub_object).encode())
            return self._new_run(RunKind.INITIAL)

    def _new_run(self, kind: str) -> Run:
        return Run.objects.create(portal_id=self.sync.portal_id, object_sync=self.sync,
                                  kind=kind, estimated_total=self._estimate(kind),
                                  counts=dict.fromkeys(SHOWN_COUNTS, 0))

    def _estimate(self, kind: str) -> int | None:
        if kind != RunKind.INITIAL:
            return None
        return Record.objects.filter(portal_id=self.sync.portal_id,
                                     object_type=self.sync.hub_object,
                                     archived_at__isnull=True).count()

    # --- phases -------------------------------------------------------------------------

    def _batch_run(self, counts: Counter) -> BatchRun:
        return BatchRun(self.config, self.connector, self.run.pk, counts,
                        field_labels=self.field_labels)

    def _initial_app(self) -> str:
        cursor = self._app_read
        page = self.connector.read_changes(self.config.app_object, cursor, limit=self.batch)
        self._app_read = page.cursor or cursor

        def decide() -> BatchRun:
            batch = self._batch_run(Counter(read=len(page.records)))
            batch.decide(app_records=page.records)
            return batch

        def advance(batch: BatchRun) -> None:
            fields = {"app_cursor": page.cursor or cursor}
            if page.done:
                fields["initial_phase"] = "hub"
            self._save_sync(**fields)
            self._add_counts(batch.counts)

        self.ahead.apply(decide, advance)
        if page.done:  # the hub scan reads what this phase linked
            self.ahead.settle()
        return MORE

    def _initial_hub(self) -> str:
        after = self._hub_read
        records = hubside.scan_unlinked(self.config, after, self.batch)
        finished = len(records) < self.batch
        self._hub_read = records[-1].id if records else after

        def decide() -> BatchRun:
            batch = self._batch_run(Counter(read=len(records)))
            batch.decide(hub_records={r.id: r for r in records})
            return batch

        def advance(batch: BatchRun) -> None:
            fields: dict[str, int | str] = {
                "hub_scan_after": records[-1].id if records else after}
            if finished:
                fields.update(initial_phase="associations", hub_scan_after=0)
            self._save_sync(**fields)
            self._add_counts(batch.counts)

        self.ahead.apply(decide, advance)
        if finished:
            self.ahead.settle()
        return MORE

    def _initial_associations(self) -> str:
        """Last phase: associations of every linked record, in batches of links; none to
        walk while no sync of an associated object runs on the connection."""
        spec_object = self.connector.object(self.config.app_object)
        links = links_after(self.sync, self.sync.hub_scan_after, self.batch) if partners(
            self.sync, spec_object) else []
        written = sync_associations(self.sync, self.config, self.connector, links, self.run.pk)
        self._add_counts(Counter(associations=written))
        if len(links) < self.batch:
            self._save_sync(initial_phase="", initial_done=True, hub_scan_after=0)
            walk_partners_again(self.sync)
            # Before the incremental runs probe the links it left.
            if store.vacuum_after_initial_sync(self.run.counts.get("created_app", 0)):
                log.info("links vacuumed after the initial sync",
                         extra={"object_sync_id": self.sync.pk, "run_id": self.run.pk})
            return DONE
        self._save_sync(hub_scan_after=links[-1].pk)
        return MORE

    def _incremental(self) -> str:
        if not (self.pages and self.pages.queued):
            self.pages = breaker.RunPages(self.sync, self.config, self.connector, self.batch)
            if breaker.check(self, self.pages) == breaker.HOLD:
                return breaker.HOLD
        pages = self.pages.take()
        app_page, deleted = pages.app, pages.deleted
        counts = Counter(read=len(app_page.records) + len(pages.hub_ids))
        app_records, echoes = drop_own_echoes(self.config,
                                              self.pages.fresh(app_page.records))
        if echoes:
            counts["echoes_skipped"] = echoes
        batch = BatchRun(self.config, self.connector, self.run.pk, counts)

        def advance():
            fields = {"app_cursor": app_page.cursor or self.sync.app_cursor,
                      "hub_cursor": pages.hub_cursor.encode()}
            if deleted is not None:
                fields["deleted_cursor"] = deleted.cursor or self.sync.deleted_cursor
            # Only this run moves its cursors: those that did not move need no write.
            self._save_sync(**{name: value for name, value in fields.items()
                               if getattr(self.sync, name) != value})
            if self.counted:  # what the breaker adds up over the hour
                counts.update(volume_of(batch.plan).as_counts())
            self._add_counts(counts)

        batch.process(app_records=app_records, hub_ids=pages.hub_ids,
                      deleted_app_ids=[d.id for d in deleted.records] if deleted else (),
                      on_commit=advance)
        self.pages.settle(batch.plan)
        # Every pair read, written or not: an association may be all that changed.
        touched = batch.touched_links()
        retry = pending_links(self.sync, self.connector.object(self.config.app_object))
        walked = self._walk_associations()
        written = sync_associations(self.sync, self.config, self.connector,
                                    list({lk.pk: lk for lk in touched + retry + walked}.values()),
                                    self.run.pk)
        if written:
            self._add_counts(Counter(associations=written))
        finished = self.pages.finished and self.sync.associations_after is None
        if finished and self._left_over() and (self._retry_interrupted_creates()
                                               or self._retry_transient()):
            return MORE
        return DONE if finished else MORE

    def _left_over(self) -> bool:
        """Whether any link waits at the end of a run (a pending create, a transient
        failure): one look at a small index, where most runs find none."""
        self.links_left = Link.objects.filter(LEFT_OVER, object_sync=self.sync).exists()
        return self.links_left

    def _walk_associations(self) -> list[Link]:
        """The next batch of a due walk over every link (see walk_partners_again)."""
        after = self.sync.associations_after
        if after is None:
            return []
        links = links_after(self.sync, after, self.batch)
        self._save_sync(associations_after=links[-1].pk if len(links) == self.batch else None)
        return links

    def _retry_interrupted_creates(self) -> bool:
        """Creates a dead worker announced and never settled: the app's changes have
        been read since, so those still pending never reached the app; send them again."""
        stale = Link.objects.filter(object_sync=self.sync, status=LinkStatus.PENDING,
                                    updated_at__lt=self.run.started_at - PENDING_GRACE)
        # The record was deleted meanwhile: a create of it is moot.
        stale.filter(Q(hub_record__isnull=True) |
                     Q(hub_record__archived_at__isnull=False)).delete()
        return self._retry(stale)

    def _retry_transient(self) -> bool:
        """Records the app turned away for a passing reason (a rate limit, an outage):
        DESIGN.md's transient failures, which later runs retry by themselves."""
        failed = Link.objects.filter(object_sync=self.sync, status=LinkStatus.FAILED,
                                     error_category__in=RETRIED, hub_record__isnull=False,
                                     updated_at__lt=self.run.started_at)
        return self._retry(failed)

    def _retry(self, links) -> bool:
        """Run these links' hub records again, each at most once a run."""
        hub_ids = list(links.values_list("hub_record_id", flat=True)[:self.batch])
        if not hub_ids:
            return False
        counts = Counter(retried=len(hub_ids))
        BatchRun(self.config, self.connector, self.run.pk, counts, retry_pending=True).process(
            hub_ids=hub_ids, on_commit=lambda: self._add_counts(counts))
        # Those the batch left untouched (an archived record, …) are not picked again.
        links.filter(hub_record_id__in=hub_ids).update(updated_at=timezone.now())
        return True

    # --- bookkeeping --------------------------------------------------------------------

    def _save_sync(self, **fields) -> None:
        if not fields:
            return
        for name, value in fields.items():
            setattr(self.sync, name, value)
        ObjectSync.objects.filter(pk=self.sync.pk).update(**fields, updated_at=timezone.now())

    def _add_counts(self, counts: Counter) -> None:
        merged = Counter(self.run.counts) + counts
        total = {key: merged.get(key, 0) for key in set(merged) | set(SHOWN_COUNTS)}
        if total != self.run.counts:  # a quiet batch adds nothing: no write
            self.run.counts = total
            Run.objects.filter(pk=self.run.pk).update(counts=total)

    def _outcome(self) -> str:
        """Succeeded, or unsettled while creates a dead worker announced are still
        pending (their count goes in the run's counts, shown in the sync's history)."""
        if self.links_left is False:  # the run's end found none (_left_over)
            return RunStatus.SUCCEEDED
        pending = Link.objects.filter(object_sync=self.sync, status=LinkStatus.PENDING).count()
        if not pending:
            return RunStatus.SUCCEEDED
        self.run.counts = {**self.run.counts, "pending": pending}
        Run.objects.filter(pk=self.run.pk).update(counts=self.run.counts)
        return RunStatus.UNSETTLED

    def _finish(self, status: str) -> None:
        now = timezone.now()
        Run.objects.filter(pk=self.run.pk).update(status=status, finished_at=now)
        self._save_sync(last_success_at=now, paused_until=None, pause_reason="",
                        pause_message="",
                        next_run_at=now + timedelta(seconds=self.sync.poll_interval_s))

    def _pause(self, error: ConnectorError) -> None:
        """A connection-wide failure: stop here, keep every cursor, try again later."""
        wait = error.retry_after or (60 if error.transient else None)
        now = timezone.now()
        Run.objects.filter(pk=self.run.pk).update(
            status=RunStatus.PAUSED if wait else RunStatus.FAILED, finished_at=now,
            error_category=str(error.category),
            error_message=error.vendor_message or error.message)
        fields: dict[str, str | datetime] = {
            "pause_reason": str(error.category),
            "pause_message": error.vendor_message or error.message}
        if wait:
            fields["paused_until"] = now + timedelta(seconds=wait)
            fields["next_run_at"] = now + timedelta(seconds=wait)
        self._save_sync(**fields)
        if error.category == ErrorCategory.AUTH_EXPIRED:
            self.sync.connection.status = ConnectionStatus.NEEDS_RECONNECT
            self.sync.connection.save(update_fields=["status", "updated_at"])


def load_for_run(sync_id: int) -> ObjectSync | None:
    """A sync as a run slice starts from: its connection and portal loaded with it."""
    return ObjectSync.objects.select_related("connection", "portal").filter(pk=sync_id).first()


def runnable(sync: ObjectSync) -> bool:
    """On, connected, not held for review, and not pausing: an app that said "wait" (a
    rate limit, an outage) is not called before its time, whoever enqueued the run."""
    return (sync.state == SyncState.ON and sync.connection.status == ConnectionStatus.CONNECTED
            and sync.pause_reason != MASS_CHANGE  # held: a person approves or discards
            and (sync.paused_until is None or sync.paused_until <= timezone.now()))
