"""Redis down (the cache and the task queue): every page still renders, and every
action that needs a worker answers "The task queue is unreachable; nothing was
started" and leaves nothing half-made — no job row nobody will work, no sync turned
on that will not run.

The Redis is a private embedded one, started for the test and stopped: the shared
Redis other test runs use is never touched.
"""

import pytest
from django.test import Client
from django.urls import reverse

from syncapp.health.models import ExportJob, RepairJob
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, Run, RunKind, SyncState
from tests.kits.health import add_failed_links, many_links, quiet_sync
from tests.kits.stack import redis_stopped

pytestmark = pytest.mark.django_db

UNREACHABLE = "The task queue is unreachable; nothing was started."


@pytest.fixture
def redis_down(settings, tmp_path):
    with redis_stopped(settings, tmp_path / "redis"):
        yield


@pytest.fixture
def sync(portal):
    """A contact sync that has run: links in sync, failed and deleted, and a run."""
    sync = quiet_sync(portal)
    many_links(sync, 3)
    add_failed_links(portal, sync, {"invalid_value": 2})
    Link.objects.create(portal=portal, object_sync=sync, app_id="gone", app_name="Gone Guy",
                        status=LinkStatus.DELETED_IN_HUB, error_category="deleted_in_hub")
    Run.objects.create(portal=portal, object_sync=sync, kind=RunKind.INITIAL,
                       status="succeeded", counts={"read": 5})
    sync.initial_done = True
    sync.save()
    return sync


def health(name, *args, query=""):
    return reverse(f"health:{name}", args=["hubspot", *args]) + query


def test_every_page_renders_while_redis_is_down(sync, redis_down, admin_client):
    link = Link.objects.filter(object_sync=sync).first()
    pages = [
        reverse("syncs:detail", args=["hubspot", sync.pk]),
        reverse("integrations:app", args=["hubspot"]),
        reverse("crm:list", args=["contact"]),
        health("overview"), health("records", query=f"?account={sync.connection_id}"),
        health("in_sync", sync.pk), health("excluded", sync.pk), health("failed", sync.pk),
        health("history", link.pk),
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page
    progress = admin_client.get(reverse("syncs:progress", args=["hubspot", sync.pk]),
                                HTTP_HX_REQUEST="true")
    assert progress.status_code in (200, 286)
    health_check = admin_client.get("/healthz")  # says what is down, as a 503
    assert (health_check.status_code, health_check.json()["checks"]["redis"]) == (503, False)


def _post(client: Client, address: str, data: dict, back: str):
    reply = client.post(address, data, HTTP_REFERER=back, follow=True)
    assert reply.status_code == 200, address
    assert UNREACHABLE in reply.content.decode(), address
    return reply


def test_sync_now_and_turning_on_start_nothing_and_say_why(sync, redis_down, admin_client):
    back = reverse("syncs:detail", args=["hubspot", sync.pk])
    _post(admin_client, reverse("syncs:sync_now", args=["hubspot", sync.pk]), {}, back)

    ObjectSync.objects.filter(pk=sync.pk).update(state=SyncState.OFF)
    _post(admin_client, reverse("syncs:turn_on", args=["hubspot", sync.pk]), {}, back)

    assert ObjectSync.objects.get(pk=sync.pk).state == SyncState.OFF  # not on without a run


def test_the_answer_is_in_portuguese_for_a_portuguese_browser(sync, redis_down, admin_client):
    reply = admin_client.post(reverse("syncs:sync_now", args=["hubspot", sync.pk]),
                              HTTP_ACCEPT_LANGUAGE="pt-BR", follow=True)
    assert "A fila de tarefas está inacessível; nada foi iniciado." in reply.content.decode()


def test_resync_retry_and_restore_start_no_job(sync, redis_down, support_client):
    back = health("failed", sync.pk)
    _post(support_client, health("resync", sync.pk), {"target": "hub"}, back)
    _post(support_client, health("retry", sync.pk),
          {"category": "invalid_value", "scope": "all"}, back)
    _post(support_client, health("restore", query=f"?account={sync.connection_id}"),
          {"sync": sync.pk, "target": "hub"}, back)

    assert not RepairJob.objects.exists()


def test_an_export_is_not_created_when_it_cannot_be_queued(sync, redis_down, ops_client):
    back = health("records", query=f"?account={sync.connection_id}")
    reply = _post(ops_client, health("export", query=f"?account={sync.connection_id}"),
                  {"format": "csv"}, back)

    assert not ExportJob.objects.exists()
    assert "being built" not in reply.content.decode()
