"""Knowing that beat and a worker for each queue are alive, for the health endpoint.

Beat marks itself when it publishes a heartbeat task; beat sends one to each queue
(settings CELERY_BEAT_SCHEDULE), and the worker that runs it marks that queue's key.
All marks are timestamps in Redis, so `/healthz` and `check_heartbeat` can tell which
kind of work has no worker.
"""

import time

from celery.signals import before_task_publish
from django.core.cache import cache

from syncapp.core.queues import HEARTBEAT_TASK, KINDS

BEAT_KEY = "heartbeat:beat"
STALE_AFTER_S = 120


def worker_key(kind: str) -> str:
    return f"heartbeat:worker:{kind}"


WORKER_KEYS = {kind: worker_key(kind) for kind in KINDS}


def mark(key: str) -> None:
    cache.set(key, time.time(), timeout=None)


def seconds_since(key: str) -> float | None:
    seen = cache.get(key)
    return None if seen is None else max(0.0, time.time() - seen)


@before_task_publish.connect
def _beat_published(sender=None, headers=None, **kwargs):
    if sender == HEARTBEAT_TASK and (headers or {}).get("from_beat"):
        mark(BEAT_KEY)
