"""Webhooks registered with Pipedrive when a sync turns on, removed on disconnect, and
a refusal that leaves the sync on polling and says why; deliveries over real HTTP."""

import pytest
from django.urls import reverse

from syncapp.inbound import credentials, tasks
from syncapp.inbound.models import Endpoint, Event, Subscription
from syncapp.inbound.registration import register
from syncapp.integrations.catalog import build_connector
from syncapp.syncs.models import SyncState
from syncapp.syncs.run.runner import DONE, SyncRunner
from tests.kits.inbound import forget_debounce, make_sync
from tests.kits.stack import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def active_hooks(sandbox) -> list[dict]:
    return [hook for account in sandbox.accounts.values()
            for hook in account.webhooks.values() if hook["is_active"] == 1]


def test_a_sync_turned_on_gets_one_webhook_with_generated_credentials(
        connection, live_pipedrive, live_server):
    sync = make_sync(connection, "persons")
    assert register(sync)
    assert register(sync)  # again: the one it has is enough
    (hook,) = active_hooks(live_pipedrive)
    endpoint = Endpoint.objects.get(connection=connection)
    assert hook["subscription_url"] == f"{live_server.url}/inbound/pipedrive/{endpoint.route}/"
    assert (hook["event_object"], hook["event_action"], hook["version"]) == ("person", "*", "2.0")
    secret = credentials.decrypt(endpoint.secret_ciphertext)
    assert (hook["http_auth_user"], hook["http_auth_password"]) == (secret.user, secret.password)
    assert secret.password not in endpoint.secret_ciphertext  # encrypted at rest
    assert Subscription.objects.get(endpoint=endpoint).vendor_id == str(hook["id"])
    assert endpoint.off_reason == ""


def test_an_edit_in_pipedrive_arrives_as_a_verified_event_and_a_run(
        connection, live_pipedrive, broker):
    sync = make_sync(connection, "persons")
    forget_debounce(sync)
    register(sync)
    connector = build_connector(connection)
    person_id = next(iter(connector.read_changes("persons", None).records)).id
    connector.update("persons", [(person_id, {"first_name": "Webhooked"})])
    assert wait_until(lambda: Event.objects.filter(record_id=person_id).exists(), timeout=20)
    event = Event.objects.get(record_id=person_id)
    assert (event.app_object, event.action) == ("persons", "change")
    assert wait_until(lambda: (sync.pk, False) in broker(), timeout=10)


def test_the_run_that_ends_the_initial_sync_asks_for_the_webhook(
        connection, live_pipedrive, broker):
    sync = make_sync(connection, "persons")
    sync.initial_done = False
    sync.save()
    register_task = "syncapp.inbound.tasks.register"
    while SyncRunner(sync).run_for(60) != DONE:  # the initial sync, as a worker runs it
        sync.refresh_from_db()
    assert broker(register_task) == [(sync.pk, False)]
    tasks.register(sync.pk)  # as the worker would
    assert Subscription.objects.filter(app_object="persons").exists()
    sync.refresh_from_db()
    while SyncRunner(sync).run_for(60) != DONE:  # a later run: registered, nothing asked
        sync.refresh_from_db()
    assert broker(register_task) == [(sync.pk, False)]


def test_disconnecting_removes_the_webhooks_at_pipedrive(
        admin_client, connection, live_pipedrive):
    register(make_sync(connection, "persons"))
    register(make_sync(connection, "deals"))
    assert len(active_hooks(live_pipedrive)) == 2
    response = admin_client.post(reverse("integrations:disconnect",
                                         args=["pipedrive", connection.pk]))
    assert response.status_code == 302
    assert active_hooks(live_pipedrive) == []
    assert not Subscription.objects.exists()


def test_deleting_a_sync_removes_its_webhook_at_pipedrive(
        admin_client, connection, live_pipedrive, broker):
    persons, deals = make_sync(connection, "persons"), make_sync(connection, "deals")
    register(persons)
    register(deals)
    response = admin_client.post(reverse("syncs:delete", args=["pipedrive", persons.pk]))
    assert response.status_code == 302
    assert broker("syncapp.inbound.tasks.remove") == [(connection.pk, False)]
    tasks.remove(connection.pk, "persons")  # as the worker would
    assert [hook["event_object"] for hook in active_hooks(live_pipedrive)] == ["deal"]
    assert list(Subscription.objects.values_list("app_object", flat=True)) == ["deals"]


def test_a_refused_registration_leaves_the_sync_on_polling_and_says_why(
        connection, live_pipedrive):
    connector = build_connector(connection)
    for n in range(40):  # Pipedrive's limit per user
        connector.register_webhook("deals", f"https://elsewhere.example/{n}")
    sync = make_sync(connection, "persons")
    assert not register(sync)
    sync.refresh_from_db()
    assert sync.state == SyncState.ON
    assert not Subscription.objects.exists()
    reason = Endpoint.objects.get(connection=connection).off_reason
    assert "Pipedrive refused the webhook" in reason
    assert "Webhooks limit reached" in reason
    assert "polling" in reason
