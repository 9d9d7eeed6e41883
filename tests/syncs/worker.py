"""A real Celery worker for one test, on a queue no other test run shares.

Redis is shared by every test run on this machine: a worker started elsewhere must
never take this test's run_sync messages, nor this worker theirs. The test process
(whose live server enqueues on "Save and sync") and the worker both route to a
queue named for the test; the worker's own re-enqueues follow its setting.
"""

import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import redis
from django.conf import settings

from syncapp.celery import app as celery_app
from tests.stack import celery

WORKER_ARGS = ("--pool", "prefork", "--concurrency", "1", "--without-mingle", "--without-gossip")
_ROUTING_CACHE = ("queues", "default_queue", "router", "routes", "_rtable")


def _route_to(queue: str) -> None:
    celery_app.conf.task_default_queue = queue
    for name in _ROUTING_CACHE:  # kombu caches the routing on first use
        celery_app.amqp.__dict__.pop(name, None)


@contextmanager
def sync_worker(site_url: str, log: Path):
    """A worker whose connectors reach the sandboxes of the live server at `site_url`."""
    with own_queue() as queue, worker_on(queue, site_url, log):
        yield queue


@contextmanager
def own_queue():
    """Route this process's tasks to a queue of the test's own; yields its name."""
    queue = f"wizard-test-{uuid.uuid4().hex[:10]}"
    previous = celery_app.conf.task_default_queue
    _route_to(queue)
    try:
        yield queue
    finally:
        _route_to(previous)
        _forget(queue)


def worker_on(queue: str, site_url: str, log: Path, **env: str):
    """A worker taking `queue` (a context manager yielding its process), e.g. a second
    one after the first was killed."""
    return celery("worker", *WORKER_ARGS, "-Q", queue, log=log, SITE_URL=site_url,
                  SANDBOXES_ENABLED="true", SYNCAPP_TEST_QUEUE=queue, **env)


def _forget(queue: str) -> None:
    """Drop the routing keys kombu left for the test's queue in the shared Redis."""
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = [f"{prefix}_kombu.{kind}.{queue}" for kind in ("binding", "binding_permanent")]
    # The worker's last children may still be closing their channels: ask twice.
    for _attempt in range(2):
        client.delete(*keys, f"{prefix}{queue}")
        time.sleep(1)
