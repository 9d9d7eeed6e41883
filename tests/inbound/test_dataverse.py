"""Dataverse webhooks: deliveries believed only with the key Syncapp generated (the
`code` query parameter), recorded once however often Dataverse retries; a service
endpoint and its steps registered when a Dynamics sync turns on and removed on
disconnect or when the sync is deleted, over real HTTP; a refusal leaves polling on."""

import datetime as dt
import logging

import pytest
from django.test import Client
from django.urls import reverse

from syncapp.inbound import credentials, tasks
from syncapp.inbound.counts import tallies
from syncapp.inbound.endpoints import endpoint_for
from syncapp.inbound.models import Endpoint, Event, Refusal, Subscription
from syncapp.inbound.registration import register
from syncapp.integrations.catalog import build_connector
from syncapp.integrations.models import Connection
from syncapp.syncs.models import SyncState
from tests.kits.inbound import (
    ROW_ID,
    dataverse_context,
    deliver_keyed,
    forget_debounce,
    make_sync,
)
from tests.kits.stack import wait_until


@pytest.fixture
def vendor():
    """Dataverse's delivery service: no session, held to CSRF checks."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def contacts(portal):
    connection = Connection.objects.create(portal=portal, app_key="dynamics", account_id="org1",
                                           account_name="Contoso")
    sync = make_sync(connection, "contacts")
    forget_debounce(sync)
    return sync


@pytest.mark.django_db
def test_the_right_code_records_the_event_and_starts_a_run(vendor, contacts, broker):
    endpoint = endpoint_for(contacts.connection)
    response = deliver_keyed(vendor, endpoint, dataverse_context(request_id="r-1"))
    assert response.status_code == 200
    event = Event.objects.get(endpoint=endpoint)
    assert (event.app_object, event.action, event.record_id) == ("contacts", "change", ROW_ID)
    assert broker() == [(contacts.pk, False)]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["", "not-the-key"], ids=["missing", "wrong"])
def test_a_missing_or_wrong_code_is_refused_logged_and_counted(
        vendor, contacts, broker, caplog, code):
    endpoint = endpoint_for(contacts.connection)
    with caplog.at_level(logging.WARNING, logger="syncapp.inbound.receive"):
        response = deliver_keyed(vendor, endpoint, dataverse_context(), code=code)
    assert response.status_code == 401
    assert "WWW-Authenticate" not in response  # no basic-auth challenge: it is a key
    assert "bad or missing credentials" in caplog.text
    assert tallies(endpoint) == {Refusal.BAD_CREDENTIALS: 1}
    assert not Event.objects.exists()
    assert broker() == []


@pytest.mark.django_db
def test_the_key_of_another_connection_is_refused(vendor, contacts, portal, broker):
    other = Connection.objects.create(portal=portal, app_key="dynamics", account_id="org2",
                                      account_name="Fabrikam")
    their_key = credentials.decrypt(endpoint_for(other).secret_ciphertext).password
    ours = endpoint_for(contacts.connection)
    assert deliver_keyed(vendor, ours, dataverse_context(), code=their_key).status_code == 401
    assert broker() == []


@pytest.mark.django_db
@pytest.mark.parametrize("body", [
    b"not json",
    {"MessageName": "Update", "PrimaryEntityName": "contact"},
    {**dataverse_context(), "MessageName": "Merge"},
    {**dataverse_context(), "PrimaryEntityId": "7"},
], ids=["not-json", "no-row", "unknown-message", "not-a-guid"])
def test_a_malformed_context_is_a_400_and_starts_nothing(vendor, contacts, broker, body):
    endpoint = endpoint_for(contacts.connection)
    response = deliver_keyed(vendor, endpoint, body)
    assert response.status_code == 400
    assert "Malformed webhook payload" in response.json()["message"]
    assert tallies(endpoint) == {Refusal.MALFORMED: 1}
    assert broker() == []


@pytest.mark.django_db
def test_a_retry_of_the_same_operation_is_recorded_once(vendor, contacts, broker):
    endpoint = endpoint_for(contacts.connection)
    context = dataverse_context(request_id="r-7")
    assert deliver_keyed(vendor, endpoint, context).status_code == 200
    assert deliver_keyed(vendor, endpoint, context).status_code == 200  # Dataverse retrying
    assert Event.objects.count() == 1
    assert tallies(endpoint) == {Refusal.DUPLICATE: 1}
    assert broker() == [(contacts.pk, False)]


@pytest.mark.django_db
def test_a_context_older_than_5_minutes_is_refused(vendor, contacts, broker):
    endpoint = endpoint_for(contacts.connection)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)
    assert deliver_keyed(vendor, endpoint, dataverse_context(at=old)).status_code == 401
    assert tallies(endpoint) == {Refusal.STALE: 1}
    assert broker() == []


# --- registration over real HTTP, the sandbox served by the live server -----------------


def contoso(sandbox):
    return sandbox.environment("contoso")


@pytest.mark.django_db(transaction=True)
def test_a_sync_turned_on_gets_an_endpoint_keyed_with_the_generated_key_and_three_steps(
        dynamics, live_dynamics, live_server):
    sync = make_sync(dynamics, "contacts")
    assert register(sync)
    assert register(sync)  # again: the one it has is enough
    endpoint = Endpoint.objects.get(connection=dynamics)
    (service,) = contoso(live_dynamics).service_endpoints.values()
    assert service["url"] == f"{live_server.url}/inbound/dynamics/{endpoint.route}/"
    assert (service["contract"], service["authtype"]) == (8, 4)
    key = credentials.decrypt(endpoint.secret_ciphertext).password
    assert service["authvalue"] == key
    assert key not in endpoint.secret_ciphertext  # encrypted at rest
    steps = contoso(live_dynamics).steps.values()
    assert sorted((s["message"], s["entity"]) for s in steps) == [
        ("Create", "contact"), ("Delete", "contact"), ("Update", "contact")]
    assert Subscription.objects.get(endpoint=endpoint).vendor_id.startswith(service["id"])


@pytest.mark.django_db(transaction=True)
def test_an_edit_in_dynamics_arrives_as_a_verified_event_and_a_run(
        dynamics, live_dynamics, broker):
    sync = make_sync(dynamics, "contacts")
    forget_debounce(sync)
    register(sync)
    connector = build_connector(dynamics)
    contact_id = connector.read_changes("contacts", None).records[0].id
    connector.update("contacts", [(contact_id, {"firstname": "Webhooked"})])
    assert wait_until(lambda: Event.objects.filter(record_id=contact_id).exists(), timeout=20)
    event = Event.objects.get(record_id=contact_id)
    assert (event.app_object, event.action) == ("contacts", "change")
    assert wait_until(lambda: (sync.pk, False) in broker(), timeout=10)


@pytest.mark.django_db(transaction=True)
def test_disconnecting_removes_the_endpoints_and_steps_at_dynamics(
        admin_client, dynamics, live_dynamics):
    register(make_sync(dynamics, "contacts"))
    register(make_sync(dynamics, "accounts"))
    assert len(contoso(live_dynamics).service_endpoints) == 2
    response = admin_client.post(reverse("integrations:disconnect",
                                         args=["dynamics", dynamics.pk]))
    assert response.status_code == 302
    assert contoso(live_dynamics).service_endpoints == {}
    assert contoso(live_dynamics).steps == {}
    assert not Subscription.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_a_sync_removes_its_steps_at_dynamics(
        admin_client, dynamics, live_dynamics, broker):
    contacts, accounts = make_sync(dynamics, "contacts"), make_sync(dynamics, "accounts")
    register(contacts)
    register(accounts)
    response = admin_client.post(reverse("syncs:delete", args=["dynamics", contacts.pk]))
    assert response.status_code == 302
    tasks.remove(dynamics.pk, "contacts")  # as the worker would
    assert {s["entity"] for s in contoso(live_dynamics).steps.values()} == {"account"}
    assert list(Subscription.objects.values_list("app_object", flat=True)) == ["accounts"]


@pytest.mark.django_db(transaction=True)
def test_a_refused_registration_leaves_the_sync_on_polling_and_says_why(
        dynamics, live_dynamics):
    # A role that may make a service endpoint but not a step: the endpoint goes again.
    contoso(live_dynamics).denied.add("prvCreateSdkMessageProcessingStep")
    sync = make_sync(dynamics, "contacts")
    assert not register(sync)
    sync.refresh_from_db()
    assert sync.state == SyncState.ON
    assert not Subscription.objects.exists()
    assert contoso(live_dynamics).service_endpoints == {}
    reason = Endpoint.objects.get(connection=dynamics).off_reason
    assert "Microsoft Dynamics 365 refused the webhook" in reason
    assert "prvCreateSdkMessageProcessingStep" in reason
    assert "polling" in reason
