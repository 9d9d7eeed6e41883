"""Knowing that beat and a worker are alive, for the health endpoint.

Beat marks itself when it publishes the heartbeat task; the worker marks itself
when it runs it. Both marks are timestamps in Redis.
"""

import time

from celery.signals import before_task_publish
from django.core.cache import cache

HEARTBEAT_TASK = "syncapp.core.tasks.heartbeat"
BEAT_KEY = "heartbeat:beat"
WORKER_KEY = "heartbeat:worker"
STALE_AFTER_S = 120


def mark(key: str) -> None:
    cache.set(key, time.time(), timeout=None)


def seconds_since(key: str) -> float | None:
    seen = cache.get(key)
    return None if seen is None else max(0.0, time.time() - seen)


@before_task_publish.connect
def _beat_published(sender=None, headers=None, **kwargs):
    if sender == HEARTBEAT_TASK and (headers or {}).get("from_beat"):
        mark(BEAT_KEY)
