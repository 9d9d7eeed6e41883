"""Celery tasks: thin, ids only. Postgres says what to do; a lost message costs time."""

import contextlib
import logging
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from celery import shared_task
from django.db.models import Q
from django.utils import timezone
from redis.exceptions import LockError

from syncapp.integrations.tokens import redis_client
from syncapp.syncs.models import ObjectSync, SyncState

log = logging.getLogger(__name__)
# A live worker renews its run lock every third of this, however long a slice takes
# (HTTP retries, a slow app); a dead worker's lock expires by itself this soon.
LOCK_TTL_S = 30
SLICE_S = 20.0


@contextmanager
def held(lock):
    """Keep `lock` for as long as the block runs: a thread renews it, so it lapses only
    when this process dies, never under a slice that outlasts the TTL (another worker
    would then run the same sync at the same time)."""
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(LOCK_TTL_S / 3):
            try:
                lock.reacquire()
            except LockError:
                log.warning("sync run lock lost", extra={"lock": lock.name})
                return

    renewer = threading.Thread(target=renew, name="sync-lock-renewal", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        with contextlib.suppress(LockError):
            lock.release()


@shared_task(name="syncapp.syncs.tasks.run_sync", ignore_result=True, acks_late=True,
             reject_on_worker_lost=True)
def run_sync(sync_id: int) -> None:
    """Run object sync `sync_id` for one slice; re-enqueue itself while work remains."""
    from syncapp.engine.runner import MORE, SyncRunner, runnable  # noqa: PLC0415 - heavy

    lock = redis_client().lock(f"syncapp:sync-run:{sync_id}", timeout=LOCK_TTL_S,
                               blocking=False, thread_local=False)
    if not lock.acquire(token=uuid.uuid4().hex.encode()):
        return  # another worker is running it; it re-enqueues itself if needed
    with held(lock):
        sync = ObjectSync.objects.select_related("connection", "portal").filter(
            pk=sync_id).first()
        if sync is None or not runnable(sync):
            return
        outcome = SyncRunner(sync).run_for(SLICE_S)
        log.info("sync run slice", extra={"object_sync_id": sync_id, "outcome": outcome})
    if outcome == MORE:
        run_sync.delay(sync_id)


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


@shared_task(name="syncapp.syncs.tasks.dry_run", ignore_result=True, time_limit=900,
             soft_time_limit=840)
def dry_run(sync_id: int, token: str) -> None:
    """The setup wizard's dry run of `sync_id` as its settings stood at `token` (cached)."""
    from syncapp.syncs.wizard.preview import run_and_store  # noqa: PLC0415 - heavy

    run_and_store(sync_id, token)
