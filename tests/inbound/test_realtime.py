"""Changes in seconds: edits each way reach the other side through webhooks (and hub
change hints) with a real worker, long before any poll; a webhook Pipedrive never
sends costs nothing but time, since the poll still carries its change. HubSpot's
webhooks are the app's: its developer points them at /inbound/hubspot/ once; a
Dynamics sync registers its own service endpoint and steps, as a Pipedrive one does."""

import pytest

from connectors.dynamics import DynamicsConnector
from connectors.hubspot import HubSpotConnector
from connectors.pipedrive.connector import PipedriveConnector
from connectors.sdk.sandbox.webhooks import WebhookFaults
from syncapp.crm.models import Record
from syncapp.crm.services import update_record
from syncapp.inbound.models import Event, Subscription
from syncapp.inbound.registration import register
from syncapp.integrations.catalog import build_connector
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import Link, LinkStatus, ObjectSync
from syncapp.syncs.run.runner import DONE, SyncRunner
from syncapp.syncs.services import save_and_sync
from tests.kits.inbound import forget_debounce, hubspot_app_webhooks
from tests.kits.stack import wait_until
from tests.kits.worker import sync_worker

pytestmark = pytest.mark.django_db(transaction=True)
HOUR = 3600  # the poll interval: no poll comes within a test


def persons_sync(connection) -> ObjectSync:
    sync = create_object_sync(connection, "persons", PipedriveConnector, poll_interval_s=HOUR)
    forget_debounce(sync)
    return sync


def linked_pair(sync) -> tuple[Record, str]:
    link = Link.objects.filter(object_sync=sync, status=LinkStatus.IN_SYNC,
                               hub_record__isnull=False).exclude(app_id=None).first()
    return link.hub_record, link.app_id


def first_name_in_hub(record: Record) -> str | None:
    record.refresh_from_db()
    return record.properties.get("firstname")


def first_name_in_pipedrive(connection, app_id: str) -> str | None:
    (found,) = build_connector(connection).read_by_ids("persons", [app_id])
    return found.values.get("first_name")


def first_name_in_hubspot(connection, app_id: str) -> str | None:
    (found,) = build_connector(connection).read_by_ids("contacts", [app_id])
    return found.values.get("firstname")




@pytest.mark.worker
def test_edits_each_way_arrive_through_webhooks_before_any_poll(
        connection, live_pipedrive, live_server, tmp_path):
    with sync_worker(live_server.url, tmp_path / "worker.log"):
        sync = persons_sync(connection)
        save_and_sync(sync)  # the initial run, and the webhook registered by the worker
        ready = wait_until(lambda: ObjectSync.objects.get(pk=sync.pk).initial_done
                           and Subscription.objects.filter(app_object="persons").exists(),
                           timeout=120, every=0.5)
        assert ready, (tmp_path / "worker.log").read_text()[-3000:]
        record, app_id = linked_pair(sync)
        pipedrive = build_connector(connection)
        for name in ("Webhook", "Hooked"):  # Pipedrive -> Syncapp
            pipedrive.update("persons", [(app_id, {"first_name": name})])
            assert wait_until(lambda n=name: first_name_in_hub(record) == n, timeout=60)
        for name in ("Hinted", "Nudged"):  # Syncapp -> Pipedrive
            update_record(record, {"firstname": name})
            assert wait_until(lambda n=name: first_name_in_pipedrive(connection, app_id) == n,
                              timeout=60)
    assert Event.objects.filter(app_object="persons", record_id=app_id).exists()


@pytest.mark.worker
def test_hubspot_edits_arrive_through_the_apps_webhooks_before_any_poll(
        hubspot_connection, live_server, tmp_path):
    site = live_server.url
    hubspot_app_webhooks(f"{site}/sandbox/hubspot", f"{site}/inbound/hubspot/",
                         "contact.propertyChange:firstname")
    with sync_worker(live_server.url, tmp_path / "worker.log"):
        sync = create_object_sync(hubspot_connection, "contacts", HubSpotConnector,
                                  poll_interval_s=HOUR)
        forget_debounce(sync)
        save_and_sync(sync)
        ready = wait_until(lambda: ObjectSync.objects.get(pk=sync.pk).initial_done,
                           timeout=120, every=0.5)
        assert ready, (tmp_path / "worker.log").read_text()[-3000:]
        record, app_id = linked_pair(sync)
        build_connector(hubspot_connection).update("contacts", [(app_id, {"firstname": "Hooked"})])
        assert wait_until(lambda: first_name_in_hub(record) == "Hooked", timeout=60)
        update_record(record, {"firstname": "Hinted"})  # Syncapp -> HubSpot
        assert wait_until(lambda: first_name_in_hubspot(hubspot_connection, app_id) == "Hinted",
                          timeout=60)
    assert Event.objects.filter(app_object="contacts", record_id=app_id).exists()


@pytest.mark.worker
def test_a_dynamics_edit_arrives_through_its_webhook_before_any_poll(
        dynamics, live_server, tmp_path):
    with sync_worker(live_server.url, tmp_path / "worker.log"):
        sync = create_object_sync(dynamics, "contacts", DynamicsConnector, poll_interval_s=HOUR)
        forget_debounce(sync)
        save_and_sync(sync)  # the initial run, and the webhook registered by the worker
        ready = wait_until(lambda: ObjectSync.objects.get(pk=sync.pk).initial_done
                           and Subscription.objects.filter(app_object="contacts").exists(),
                           timeout=120, every=0.5)
        assert ready, (tmp_path / "worker.log").read_text()[-3000:]
        record, app_id = linked_pair(sync)
        build_connector(dynamics).update("contacts", [(app_id, {"firstname": "Hooked"})])
        assert wait_until(lambda: first_name_in_hub(record) == "Hooked", timeout=60)
    assert Event.objects.filter(app_object="contacts", record_id=app_id).exists()


def test_a_webhook_never_sent_is_caught_by_the_poll(connection, live_pipedrive):
    sync = persons_sync(connection)
    sync.state = "on"
    sync.save()
    while SyncRunner(sync).run_for(60) != DONE:  # the initial sync, as a worker runs it
        sync.refresh_from_db()
    assert register(sync)
    record, app_id = linked_pair(sync)
    live_pipedrive.webhook_faults = WebhookFaults(drop=1.0)
    build_connector(connection).update("persons", [(app_id, {"first_name": "Lost"})])
    assert wait_until(lambda: len(live_pipedrive.webhooks_sent) == 1, timeout=10)
    assert live_pipedrive.webhooks_sent[0][2] == "dropped"
    assert not Event.objects.exists()
    sync.refresh_from_db()
    while SyncRunner(sync).run_for(60) != DONE:  # the next poll, as the tick starts it
        sync.refresh_from_db()
    assert first_name_in_hub(record) == "Lost"
