"""Queues by kind of work: each task lands on its kind's queue in the real Redis broker,
carries its kind's time limits, a worker consumes only the queues it is given (so a
long export never holds up a sync), and health tells which queue has no worker."""

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command

from syncapp.alerts import tasks as alert_tasks
from syncapp.celery import app as celery_app
from syncapp.core.heartbeat import BEAT_KEY, WORKER_KEYS, mark, worker_key
from syncapp.core.queues import HEARTBEAT_TASK, KINDS, TASK_KINDS, queue_name
from syncapp.core.tasks import heartbeat, send_notification
from syncapp.devstack.__main__ import commands
from syncapp.health.tasks import build_export, run_repair, sweep
from syncapp.syncs.tasks import dry_run, prune_history, run_sync, tick
from syncapp.webhooks import tasks as webhook_tasks
from tests.kits.stack import celery, wait_until
from tests.kits.worker import WORKER_ARGS, own_queue

pytestmark = pytest.mark.django_db(transaction=True)

SENT = [  # (task, args, the queue kind it must land on)
    (run_sync, (1,), "sync"), (tick, (), "sync"), (run_repair, (1,), "sync"),
    (sweep, (), "sync"), (dry_run, (1, "token"), "preview"), (build_export, (1,), "export"),
    (prune_history, (), "export"), (send_notification, ("Hi", "Body", ["a@b.test"]), "notify"),
    (alert_tasks.evaluate, (1,), "notify"), (alert_tasks.evaluate_all, (), "notify"),
    (webhook_tasks.deliver, (1,), "webhooks"), (webhook_tasks.sweep, (), "webhooks"),
    *[(heartbeat, (kind,), kind) for kind in KINDS],
]


def waiting(queue: str) -> int:
    """Messages waiting in `queue`'s Redis list (kombu's key, behind the test prefix)."""
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    return redis.Redis.from_url(settings.REDIS_URL).llen(f"{prefix}{queue}")


def test_every_task_belongs_to_a_kind():
    celery_app.loader.import_default_modules()
    ours = {name for name in celery_app.tasks if name.startswith("syncapp.")}
    assert ours == {*TASK_KINDS, HEARTBEAT_TASK}


@pytest.mark.parametrize(("task", "args", "kind"), SENT,
                         ids=[f"{task.name.rsplit('.', 1)[1]}-{kind}" for task, _a, kind in SENT])
def test_each_task_lands_on_its_kinds_queue_in_redis(task, args, kind):
    with own_queue() as prefix:
        task.apply_async(args)
        queues = {other: waiting(queue_name(other, f"{prefix}-")) for other in KINDS}
    assert queues == {other: int(other == kind) for other in KINDS}


def test_an_export_gets_an_hour_a_sync_slice_minutes_a_mail_one():
    limits = {name: (celery_app.tasks[name].soft_time_limit, celery_app.tasks[name].time_limit)
              for name in (run_sync.name, dry_run.name, build_export.name,
                           send_notification.name)}
    assert limits[build_export.name][0] >= 3600
    assert limits[run_sync.name][1] <= 300 < limits[dry_run.name][1]
    assert limits[send_notification.name][1] <= 60
    for name, (soft, hard) in limits.items():
        assert soft < hard, name
    # Redis must not hand a running export's message to a second worker.
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > max(
        kind.time_limit_s for kind in KINDS.values())


def test_every_beat_entry_expires_and_each_queue_gets_a_heartbeat():
    schedule = settings.CELERY_BEAT_SCHEDULE
    for name, entry in schedule.items():
        assert 0 < entry["options"]["expires"] <= entry["schedule"], name
    beats = {entry["args"][0] for entry in schedule.values() if entry["task"] == HEARTBEAT_TASK}
    assert beats == set(KINDS)


def test_make_run_starts_one_worker_per_queue_each_on_its_queue_only(tmp_path):
    workers = {name: argv for name, argv in commands(8000, tmp_path / "s").items()
               if name.startswith("worker")}
    assert set(workers) == {f"worker-{kind}" for kind in KINDS}
    for kind in KINDS:
        argv = workers[f"worker-{kind}"]
        assert argv[argv.index("-Q") + 1] == kind
    sync = workers["worker-sync"]
    # Above the per-portal cap, so one portal's runs always leave a process for others.
    assert int(sync[sync.index("--concurrency") + 1]) > settings.SYNC_PORTAL_CONCURRENCY


@pytest.mark.worker
def test_a_worker_takes_only_its_queue_and_health_names_the_queue_left_without_one(
        client, tmp_path):
    cache.delete_many([*WORKER_KEYS.values(), BEAT_KEY])
    mark(BEAT_KEY)
    log = tmp_path / "worker.log"
    with own_queue() as prefix:
        for kind in KINDS:
            heartbeat.delay(kind)
        with celery("worker", *WORKER_ARGS, "-Q", queue_name("export", f"{prefix}-"), log=log,
                    SYNCAPP_TEST_QUEUE=prefix):
            assert wait_until(lambda: cache.get(worker_key("export")), timeout=60), \
                log.read_text()
        left = {kind: waiting(queue_name(kind, f"{prefix}-")) for kind in KINDS}
    assert left == {"sync": 1, "preview": 1, "export": 0, "notify": 1, "webhooks": 1}
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["down"] == ["worker-sync", "worker-preview", "worker-notify",
                                     "worker-webhooks"]
    call_command("check_heartbeat", "worker", "export")
    with pytest.raises(CommandError, match="worker sync: no heartbeat seen yet"):
        call_command("check_heartbeat", "worker", "sync")


def test_check_heartbeat_asks_which_queue():
    with pytest.raises(CommandError, match="name its queue"):
        call_command("check_heartbeat", "worker")
