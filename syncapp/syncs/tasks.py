"""Celery tasks: thin, ids only. Postgres says what to do; a lost message costs time."""

import logging
import uuid
from datetime import timedelta

from celery import shared_task
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Q
from django.utils import timezone

from syncapp.integrations.tokens import redis_client
from syncapp.syncs import retention
from syncapp.syncs.models import ObjectSync, SyncState
from syncapp.syncs.run import undo
from syncapp.syncs.run.locks import (
    LOCK_TTL_S,
    acquired,
    held,
    portal_slot,
    portal_slot_names,
    run_lock_name,
)
from syncapp.syncs.run.runner import MORE, SyncRunner, load_for_run, runnable
from syncapp.syncs.wizard.preview_worker import run_and_store

log = logging.getLogger(__name__)
SLICE_S = 20.0
# Postgres went away mid-slice (a restart, a failover): the step in flight rolled back
# whole, so the run goes on from its cursors once the database answers again.
DATABASE_RETRY_S = 5
DATABASE_LOST = "database lost"


@shared_task(name="syncapp.syncs.tasks.run_sync", ignore_result=True, acks_late=True,
             reject_on_worker_lost=True)
def run_sync(sync_id: int, waiter: str = "") -> None:
    """Run object sync `sync_id` for one slice; re-enqueue itself while work remains.

    `waiter` marks the one message that waits for a lock it met (see wait_for_lock)."""
    lock = acquired(run_lock_name(sync_id))
    if lock is None:
        wait_for_lock(sync_id, waiter)
        return
    redis_client().delete(_waiter_key(sync_id))  # whoever waited: this run goes on
    with held(lock):
        outcome = _slice(sync_id, waiter)
    if outcome == DATABASE_LOST:
        run_sync.apply_async((sync_id,), countdown=DATABASE_RETRY_S)
    elif outcome == MORE:
        run_sync.delay(sync_id)


def _slice(sync_id: int, waiter: str = "") -> str | None:
    """One slice of the run, in one of its portal's run slots: MORE, DONE,
    DATABASE_LOST or None (nothing to run, or the portal had no free slot)."""
    try:
        sync = load_for_run(sync_id)
        if sync is None or not runnable(sync):
            _say_not_runnable(sync_id, sync)
            return None
        slot = portal_slot(sync.portal_id)
        if slot is None:
            # The portal runs its quota already: give way to other portals' runs, and
            # come back when one of its slots would have lapsed (one waiter per sync).
            wait_for_lock(sync_id, waiter, portal_slot_names(sync.portal_id))
            return None
        with held(slot):
            runner = SyncRunner(sync)
            try:
                outcome = runner.run_for(SLICE_S)
            finally:
                _close_connector(runner)
    except (OperationalError, InterfaceError):
        log.warning("sync run lost its database; retrying", extra={"object_sync_id": sync_id},
                    exc_info=True)
        connection.close()  # a broken connection is not reused by the next message
        return DATABASE_LOST
    log.info("sync run slice", extra={"object_sync_id": sync_id, "outcome": outcome})
    return outcome


def _say_not_runnable(sync_id: int, sync) -> None:
    """Said, not silent: a message that ends here ends the run until beat's next tick,
    or a person, enqueues it again."""
    found = {} if sync is None else {
        "state": sync.state, "connection_status": sync.connection.status,
        "pause_reason": sync.pause_reason,
        "paused_until": sync.paused_until.isoformat() if sync.paused_until else None}
    log.info("sync not runnable; nothing to run", extra={"object_sync_id": sync_id,
                                                         "found": sync is not None, **found})


def _close_connector(runner) -> None:
    """Free what the slice's connector holds (a database app's connection slot) at once,
    rather than whenever the collector gets to it."""
    connector = getattr(runner, "connector", None)
    if connector is not None:
        connector.close()


def _waiter_key(sync_id: int) -> str:
    return f"syncapp:sync-run-waiter:{sync_id}"


def wait_for_lock(sync_id: int, waiter: str = "", locks: list[str] | None = None
                  ) -> float | None:
    """Another process holds the sync's lock (or all of `locks`, its portal's run
    slots): come back when the first would have lapsed.

    Its holder may be alive (it re-enqueues itself while work remains) or dead (killed
    mid-slice: then nothing but this message would go on before beat's next tick). So
    one message per sync — the waiter, named by a token in Redis — comes back after at
    most the lock's lifetime, until it gets the lock; any other message meeting the
    lock is dropped, so waiters never pile up behind a long run. The countdown, or None
    when this message was dropped."""
    client = redis_client()
    key = _waiter_key(sync_id)
    left_ms = min(client.pttl(name) for name in locks or [run_lock_name(sync_id)])
    countdown = min(float(LOCK_TTL_S), max(left_ms, 0) / 1000 + 0.1)
    # The key outlives the countdown, so a second message finds the waiter on its way.
    expiry_ms = int((countdown + LOCK_TTL_S) * 1000)
    if waiter and client.get(key) == waiter.encode():
        client.pexpire(key, expiry_ms)
    else:
        waiter = uuid.uuid4().hex
        if not client.set(key, waiter, nx=True, px=expiry_ms):
            log.info("sync run lock or portal slots held; another message waits for them",
                     extra={"object_sync_id": sync_id, "lock_left_ms": left_ms})
            return None
    log.info("sync run lock or portal slots held; coming back",
             extra={"object_sync_id": sync_id, "countdown_s": countdown})
    run_sync.apply_async((sync_id,), {"waiter": waiter}, countdown=countdown)
    return countdown


@shared_task(name="syncapp.syncs.tasks.tick", ignore_result=True)
def tick() -> None:
    """Beat, every 30 s: enqueue each object sync that is due."""
    now = timezone.now()
    due = ObjectSync.objects.filter(state=SyncState.ON).filter(
        Q(next_run_at__lte=now) | Q(next_run_at__isnull=True))
    for sync in due.only("id", "poll_interval_s"):
        # Push the next run out first, so a slow worker is not sent the same sync twice.
        ObjectSync.objects.filter(pk=sync.pk).update(
            next_run_at=now + timedelta(seconds=sync.poll_interval_s))
        run_sync.delay(sync.pk)


@shared_task(name="syncapp.syncs.tasks.dry_run", ignore_result=True)
def dry_run(sync_id: int, token: str) -> None:
    """The setup wizard's dry run of `sync_id` as its settings stood at `token` (cached)."""
    run_and_store(sync_id, token)


@shared_task(name="syncapp.syncs.tasks.prune_history", ignore_result=True)
def prune_history() -> None:
    """Beat, daily: run history past RUN_HISTORY_RETENTION_DAYS, audit entries past a
    year (syncs/retention.py)."""
    retention.prune()


UNDO_BUSY_RETRY_S = 5


@shared_task(name="syncapp.syncs.tasks.run_undo", ignore_result=True, acks_late=True,
             reject_on_worker_lost=True)
def run_undo(undo_id: int) -> None:
    """Work on an undo run for one slice (syncs/run/undo.py); re-enqueue while work
    remains, or a little later while the sync's run holds its lock or the app waits."""
    outcome = undo.work(undo_id)
    if outcome == undo.MORE:
        run_undo.delay(undo_id)
    elif outcome == undo.BUSY:
        run_undo.apply_async((undo_id,), countdown=UNDO_BUSY_RETRY_S)


@shared_task(name="syncapp.syncs.tasks.diff_app_keys", ignore_result=True)
def diff_app_keys() -> None:
    """Beat, nightly: one key diff per sync whose app may not report deletes."""
    from syncapp.syncs.keydiff import syncs_to_diff  # noqa: PLC0415 - imports the engine

    for sync_id in syncs_to_diff():
        diff_app_keys_of.delay(sync_id)


@shared_task(name="syncapp.syncs.tasks.diff_app_keys_of", ignore_result=True, acks_late=True,
             reject_on_worker_lost=True)
def diff_app_keys_of(sync_id: int) -> None:
    """The key diff of one sync (syncs/keydiff.py)."""
    from syncapp.syncs.keydiff import diff_sync  # noqa: PLC0415 - imports the engine

    diff_sync(sync_id)
