"""A real Celery worker for one test, on a queue no other test run shares.

Redis is shared by every test run on this machine: a worker started elsewhere must
never take this test's run_sync messages, nor this worker theirs. The test process
(whose live server enqueues on "Save and sync") and the worker both route to queues
named for the test (one per kind of work, syncapp/core/queues.py), and the worker
consumes them all; the worker's own re-enqueues follow its setting.
"""

import uuid
from contextlib import contextmanager
from pathlib import Path

import redis
from django.conf import settings

from syncapp.celery import app as celery_app
from syncapp.core.queues import DEFAULT_KIND, KINDS, queue_name
from tests.kits.stack import celery

WORKER_ARGS = ("--pool", "prefork", "--concurrency", "1", "--without-mingle", "--without-gossip")
_ROUTING_CACHE = ("queues", "default_queue", "router", "routes", "_rtable")


def _route_to(prefix: str) -> None:
    settings.TASK_QUEUE_PREFIX = prefix  # read by the router on every send
    celery_app.conf.task_default_queue = queue_name(DEFAULT_KIND, prefix)
    for name in _ROUTING_CACHE:  # kombu caches the routing on first use
        celery_app.amqp.__dict__.pop(name, None)


@contextmanager
def sync_worker(site_url: str, log: Path):
    """A worker whose connectors reach the sandboxes of the live server at `site_url`."""
    with own_queue() as queue, worker_on(queue, site_url, log):
        yield queue


@contextmanager
def own_queue():
    """Route this process's tasks to queues of the test's own (each kind's queue name
    behind a prefix); yields the prefix's name, which the worker is given."""
    queue = f"wizard-test-{uuid.uuid4().hex[:10]}"
    previous = settings.TASK_QUEUE_PREFIX
    _route_to(f"{queue}-")
    try:
        yield queue
    finally:
        _route_to(previous)
        _forget(queue)


def worker_on(queue: str, site_url: str, log: Path, **env: str):
    """A worker taking every queue of `queue` (a context manager yielding its process),
    e.g. a second one after the first was killed."""
    queues = ",".join(queue_name(kind, f"{queue}-") for kind in KINDS)
    return celery("worker", *WORKER_ARGS, "-Q", queues, log=log, SITE_URL=site_url,
                  SANDBOXES_ENABLED="true", SYNCAPP_TEST_QUEUE=queue, **env)


def _forget(queue: str) -> None:
    """Drop the routing keys kombu left for the test's queue in the shared Redis."""
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    client = redis.Redis.from_url(settings.REDIS_URL)
    names = [queue_name(kind, f"{queue}-") for kind in KINDS]
    keys = [f"{prefix}_kombu.{binding}.{name}" for binding in ("binding", "binding_permanent")
            for name in names] + [f"{prefix}{name}" for name in names]
    client.delete(*keys)  # the worker's processes are all gone (stack.stop waits for them)


def beat_on(queue: str, tmp_path):
    """Celery beat ticking every second: it enqueues each sync that is due, and so also
    picks up a run whose worker died (the message a killed worker held is not
    redelivered before the broker's visibility timeout, over an hour)."""
    return celery("beat", "-s", str(tmp_path / "beat-schedule"), log=tmp_path / "beat.log",
                  SYNC_TICK_S="1", SYNCAPP_TEST_QUEUE=queue)
