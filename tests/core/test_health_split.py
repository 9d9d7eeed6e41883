"""Health is split so each checker asks only what it acts on: a load balancer asks
`/healthz/ready` (Postgres and Redis) and keeps the UI up while a worker is down;
a restart policy asks `/healthz/live`; ops read `/healthz` for everything."""

import time

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from syncapp.core.heartbeat import BEAT_KEY, STALE_AFTER_S, WORKER_KEYS, mark, worker_key
from syncapp.core.queues import KINDS
from tests.kits.stack import redis_stopped

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_worker_nor_beat():
    cache.delete_many([*WORKER_KEYS.values(), BEAT_KEY])


def test_ready_stays_200_while_worker_and_beat_are_down(client, no_worker_nor_beat):
    assert client.get("/healthz").status_code == 503
    ready = client.get("/healthz/ready")
    assert ready.status_code == 200
    assert ready.json() == {"ok": True, "checks": {"database": True, "redis": True}}


def test_live_answers_200_and_full_health_names_what_is_down(client, no_worker_nor_beat):
    assert client.get("/healthz/live").json() == {"ok": True}
    assert client.get("/healthz").json()["down"] == [
        *(f"worker-{kind}" for kind in KINDS), "beat"]


def test_ready_says_503_and_names_redis_when_redis_is_down(client, settings, tmp_path):
    with redis_stopped(settings, tmp_path / "redis"):
        ready = client.get("/healthz/ready")
        live = client.get("/healthz/live")
    assert (ready.status_code, ready.json()["down"]) == (503, ["redis"])
    assert live.status_code == 200


def test_check_heartbeat_passes_for_a_fresh_mark_and_fails_without_one(no_worker_nor_beat):
    with pytest.raises(CommandError, match="worker sync: no heartbeat seen yet"):
        call_command("check_heartbeat", "worker", "sync")
    mark(BEAT_KEY)
    call_command("check_heartbeat", "beat")


def test_check_heartbeat_fails_for_a_stale_mark():
    cache.set(worker_key("export"), time.time() - STALE_AFTER_S - 5, timeout=None)
    with pytest.raises(CommandError, match="stale"):
        call_command("check_heartbeat", "worker", "export")
