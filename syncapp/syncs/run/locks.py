"""The locks that keep one run per sync and a portal's share of the workers: Redis
locks that a live worker renews and a dead worker's lapse.

A sync's run lock is held by its run (syncs/tasks.py), by an undo (run/undo.py) and by
a repair (health/repair.py), so none of them writes beside another; a portal's run
slots (SYNC_PORTAL_CONCURRENCY of them) cap how many of its syncs run at once.
"""

import contextlib
import logging
import threading
import uuid
from contextlib import contextmanager

from django.conf import settings
from redis.exceptions import LockError

from syncapp.integrations.tokens import redis_client

log = logging.getLogger(__name__)
# A live worker renews its run lock every third of this, however long a slice takes
# (HTTP retries, a slow app); a dead worker's lock expires by itself this soon.
LOCK_TTL_S = settings.SYNC_LOCK_TTL_S


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


def lock_named(name: str):
    """A lock of LOCK_TTL_S that fails at once when held (acquire it with a token)."""
    return redis_client().lock(name, timeout=LOCK_TTL_S, blocking=False, thread_local=False)


def acquired(name: str):
    """The lock `name`, acquired (the caller holds it), or None when another holds it."""
    lock = lock_named(name)
    return lock if lock.acquire(token=uuid.uuid4().hex.encode()) else None


def run_lock_name(sync_id: int) -> str:
    return f"syncapp:sync-run:{sync_id}"


def portal_slot_names(portal_id: int) -> list[str]:
    """The portal's run slots: SYNC_PORTAL_CONCURRENCY locks, the same kind as a sync's
    run lock (renewed while held, lapsing soon after a dead worker)."""
    return [f"syncapp:portal-run:{portal_id}:{slot}"
            for slot in range(settings.SYNC_PORTAL_CONCURRENCY)]


def portal_slot(portal_id: int):
    """A free run slot of the portal, acquired (the caller holds it), or None when
    SYNC_PORTAL_CONCURRENCY runs of that portal are going already."""
    for name in portal_slot_names(portal_id):
        slot = acquired(name)
        if slot is not None:
            return slot
    return None
