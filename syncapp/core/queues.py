"""Celery queues by kind of work: which queue each task goes to, and its time limits.

A one-hour export must never delay a sync, nor a dry run a mail: each kind of work
has its own queue, consumed by its own worker (`make run`, docker-compose), and its
own time limits. This module is the one home of that table; settings build Celery's
routes, annotations and beat entries from it, and `worker_args` is the
one way to start a worker for a kind. Pure data at import: settings import it.

Queue names carry a prefix (setting TASK_QUEUE_PREFIX, empty in production): a test
that starts its own worker gives its queues a prefix of its own, so workers of other
test runs sharing the Redis never take its tasks.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Kind:
    name: str
    time_limit_s: int  # the worker kills the task's process
    soft_time_limit_s: int  # the task gets SoftTimeLimitExceeded first, to clean up
    concurrency: int  # processes of `make run`'s worker for this queue
    # (sync: above SYNC_PORTAL_CONCURRENCY, so one portal never fills them all)
    why: str


KINDS = {kind.name: kind for kind in (
    Kind("sync", 300, 240, 3, "sync slices (20 s each), the tick, repairs and undos, the sweeper"),
    Kind("preview", 900, 840, 1, "the setup wizard's dry runs"),
    # Two processes: the queue's heartbeat passes beside an hour-long export, so health
    # does not call the export worker dead while it works.
    Kind("export", 4200, 3900, 2, "record exports (up to an hour) and the nightly pruning"),
    Kind("notify", 60, 45, 1, "mail to people, and the alert checks that lead to it"),
    # A receiver gets WEBHOOK_TIMEOUT_S (10 s) to answer: a slow one never holds a mail.
    Kind("webhooks", 30, 25, 2, "outbound webhook deliveries"),
)}

# Every task by name: a task missing here would land on the default (sync) queue with
# the default limits, so tests/core/test_queues.py checks that each registered task is listed.
TASK_KINDS = {
    "syncapp.syncs.tasks.run_sync": "sync",
    "syncapp.syncs.tasks.tick": "sync",
    "syncapp.inbound.tasks.register": "sync",
    "syncapp.inbound.tasks.remove": "sync",
    "syncapp.inbound.tasks.prune_events": "export",
    "syncapp.health.tasks.run_repair": "sync",
    "syncapp.syncs.tasks.run_undo": "sync",
    "syncapp.health.tasks.sweep": "sync",
    "syncapp.syncs.tasks.dry_run": "preview",
    "syncapp.health.tasks.build_export": "export",
    "syncapp.syncs.tasks.prune_history": "export",
    "syncapp.syncs.tasks.diff_app_keys": "sync",
    "syncapp.syncs.tasks.diff_app_keys_of": "sync",
    "syncapp.core.tasks.send_notification": "notify",
    "syncapp.alerts.tasks.evaluate": "notify",
    "syncapp.alerts.tasks.evaluate_all": "notify",
    "syncapp.webhooks.tasks.deliver": "webhooks",
    "syncapp.webhooks.tasks.sweep": "webhooks",
}
# The heartbeat goes to the queue its argument names: one per kind (core/heartbeat.py).
HEARTBEAT_TASK = "syncapp.core.tasks.heartbeat"
DEFAULT_KIND = "sync"
# Redis hands an unacknowledged message to another worker after this long: it must
# outlast the longest task, or a long export would run twice.
VISIBILITY_TIMEOUT_S = max(kind.time_limit_s for kind in KINDS.values()) + 600


def queue_name(kind: str, prefix: str | None = None) -> str:
    if prefix is None:
        prefix = settings.TASK_QUEUE_PREFIX
    return f"{prefix}{kind}"


def kind_of(task_name: str, args=()) -> str:
    if task_name == HEARTBEAT_TASK and args:
        return args[0]
    return TASK_KINDS.get(task_name, DEFAULT_KIND)


def route(name, args, kwargs, options, task=None, **kw) -> dict:
    """Celery's router (CELERY_TASK_ROUTES): the queue of the task's kind."""
    return {"queue": queue_name(kind_of(name, args or ()))}


def time_limits() -> dict[str, dict[str, int]]:
    """CELERY_TASK_ANNOTATIONS: each task gets its kind's limits."""
    return {name: {"time_limit": KINDS[kind].time_limit_s,
                   "soft_time_limit": KINDS[kind].soft_time_limit_s}
            for name, kind in TASK_KINDS.items()}


def worker_args(kind: str, prefix: str = "", concurrency: int | None = None) -> list[str]:
    """`celery -A syncapp` + these: a worker consuming only `kind`'s queue.

    The node name says the kind, so two workers on one host do not clash."""
    return ["worker", "-l", "info", "-Q", queue_name(kind, prefix),
            "-n", f"{kind}@%h", "--concurrency", str(concurrency or KINDS[kind].concurrency)]
