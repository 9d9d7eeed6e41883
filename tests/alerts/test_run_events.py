"""A run that ends queues `run.finished`, with its counts (failed records included), for
the webhooks that want it; one that fails queues `run.failed` with its error."""

import pytest

from syncapp.syncs.run.runner import SyncRunner
from syncapp.webhooks.models import Delivery
from syncapp.webhooks.services import create
from tests.kits.engine import make_sync, run

pytestmark = pytest.mark.django_db


def test_a_finished_run_and_a_failed_one_become_events(hubspot, portal, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    create(portal, "http://127.0.0.1:9/hook", ["run.finished", "run.failed"], by=None)
    hubspot.create("contacts", email="ada@example.com", firstname="Ada")
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    finished = Delivery.objects.get(event="run.finished")
    data = finished.payload["data"]
    assert data["sync_id"] == sync.pk and data["status"] == "succeeded"
    assert data["counts"]["read"] >= 1 and "failed" in data["counts"]
    assert data["failed_records_total"] == 0

    with hubspot.sandbox.lock:
        hubspot.sandbox.access_tokens.clear()
        hubspot.sandbox.revoke_refresh_tokens()
    sync.refresh_from_db()
    SyncRunner(sync, connector=hubspot.connector()).run_for(30)
    failed = Delivery.objects.get(event="run.failed")
    assert failed.payload["data"]["error_category"] == "auth_expired"
