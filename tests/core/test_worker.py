"""Tasks go through a real Celery worker process on the real Redis broker."""

import pytest
from django.core.cache import cache

from syncapp.core.heartbeat import BEAT_KEY, WORKER_KEYS
from syncapp.core.queues import KINDS, queue_name
from syncapp.core.tasks import heartbeat
from tests.kits.stack import celery, purge_queues, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

WORKER_ARGS = ("--pool", "prefork", "--concurrency", "1", "--without-mingle", "--without-gossip")
ALL_QUEUES = ",".join(queue_name(kind) for kind in KINDS)  # this test run's prefix


def health(client):
    return client.get("/healthz").json()["checks"]


def test_health_reports_a_missing_worker_and_beat(client):
    cache.delete_many([*WORKER_KEYS.values(), BEAT_KEY])
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": True, "redis": True, **{f"worker-{kind}": False for kind in KINDS},
        "beat": False,
    }


def test_a_real_worker_runs_tasks_and_health_sees_it(client, tmp_path):
    cache.delete_many([*WORKER_KEYS.values(), BEAT_KEY])
    purge_queues()
    heartbeat.delay("sync")  # queued before any worker exists: must not be lost
    with celery("worker", *WORKER_ARGS, "-Q", ALL_QUEUES, log=tmp_path / "worker.log"):
        assert wait_until(lambda: health(client)["worker-sync"], timeout=60), (
            tmp_path / "worker.log"
        ).read_text()
    assert health(client)["beat"] is False


def test_beat_schedules_the_heartbeat_and_health_turns_green(client, tmp_path):
    cache.delete_many([*WORKER_KEYS.values(), BEAT_KEY])
    purge_queues()
    schedule = tmp_path / "beat-schedule"
    with (
        celery("worker", *WORKER_ARGS, "-Q", ALL_QUEUES, log=tmp_path / "worker.log"),
        celery("beat", "-s", str(schedule), log=tmp_path / "beat.log", HEARTBEAT_INTERVAL_S="1"),
    ):
        turned_green = wait_until(lambda: client.get("/healthz").status_code == 200, timeout=60)
        logs = (tmp_path / "beat.log").read_text() + (tmp_path / "worker.log").read_text()
        assert turned_green, logs
