"""The HubSpot sandbox delivers webhooks as HubSpot does: the app's one target URL and its
subscriptions set through the developer API, batches of events signed with the client
secret, and on a bad day duplicates, retries after a 5xx, or nothing at all."""

import json
import time

import pytest
import requests

from connectors.hubspot.sandbox.webhooks import SANDBOX_APP_ID, SANDBOX_DEVELOPER_API_KEY
from connectors.hubspot.webhooks import verify
from connectors.sdk.sandbox.oauth import SANDBOX_CLIENT_SECRET
from connectors.sdk.sandbox.webhooks import WebhookFaults
from connectors.sdk.webhooks import WebhookRefused, WebhookRequest
from tests.connectors.hubspot.test_conformance import make_connector, running_sandbox
from tests.connectors.pipedrive.test_sandbox_webhooks import Receiver
from tests.kits.inbound import hubspot_app_webhooks
from tests.kits.stack import wait_until

ACME_HUB_ID = 4410001


@pytest.fixture
def stack():
    with running_sandbox() as (sandbox, root):
        sandbox.webhook_faults = WebhookFaults(retry_delays_s=(0.2, 0.2))
        yield sandbox, root


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


def developer(root: str, method: str, path: str, body=None, key=SANDBOX_DEVELOPER_API_KEY,
              **query) -> requests.Response:
    return requests.request(method, f"{root}/webhooks/v3/{SANDBOX_APP_ID}{path}",
                            params={"hapikey": key, **query}, json=body, timeout=5)


def configure(root: str, target: str, *event_types: str) -> None:
    hubspot_app_webhooks(root, target, *event_types)


def events(receiver) -> list[dict]:
    return [event for _headers, batch in receiver.received for event in batch]


def test_create_change_and_delete_arrive_as_signed_batches(stack, receiver):
    _sandbox, root = stack
    configure(root, receiver.url, "contact.creation", "contact.propertyChange:firstname",
              "contact.deletion")
    connector, _store = make_connector(root)
    (created,) = connector.create("contacts", [("r", {"email": "ada@hooks.example",
                                                      "firstname": "Ada"})])
    contact_id = created.record.id
    connector.update("contacts", [(contact_id, {"firstname": "Grace"})])
    connector.delete("contacts", [contact_id])
    assert wait_until(lambda: len(events(receiver)) == 3, timeout=10)
    kinds = {e["subscriptionType"]: e for e in events(receiver)}
    assert set(kinds) == {"contact.creation", "contact.propertyChange", "contact.deletion"}
    change = kinds["contact.propertyChange"]
    assert (change["portalId"], change["objectId"], change["propertyName"],
            change["propertyValue"], change["attemptNumber"]) == (
        ACME_HUB_ID, int(contact_id), "firstname", "Grace", 0)
    assert len({e["eventId"] for e in events(receiver)}) == 3
    for headers, batch in receiver.received:  # each POST verifies with the app's secret
        raw = json.dumps(batch).encode()  # the body as sent (same separators)
        request = WebhookRequest("POST", receiver.url, {k.lower(): v for k, v in headers.items()},
                                 raw)
        verify(request, SANDBOX_CLIENT_SECRET, time.time())
        with pytest.raises(WebhookRefused):
            verify(request, "another-apps-secret", time.time())


def test_one_request_changing_many_records_is_one_batch(stack, receiver):
    _sandbox, root = stack
    configure(root, receiver.url, "contact.creation")
    connector, _store = make_connector(root)
    connector.create("contacts", [(f"r{i}", {"email": f"p{i}@hooks.example"})
                                  for i in range(3)])
    assert wait_until(lambda: len(events(receiver)) == 3, timeout=10)
    assert len(receiver.received) == 1


def test_only_subscribed_properties_and_installed_portals_send_events(stack, receiver):
    sandbox, root = stack
    configure(root, receiver.url, "contact.propertyChange:lastname")
    connector, _store = make_connector(root)
    (created,) = connector.create("contacts", [("r", {"email": "ada@hooks.example"})])
    connector.update("contacts", [(created.record.id, {"firstname": "Not watched"})])
    with sandbox.lock:  # Globex never installed the app: its changes send nothing
        sandbox.accounts["4410002"].insert("contacts", {"lastname": "Elsewhere"})
    connector.update("contacts", [(created.record.id, {"lastname": "Watched"})])
    assert wait_until(lambda: len(events(receiver)) == 1, timeout=10)
    time.sleep(0.3)
    assert [e["propertyValue"] for e in events(receiver)] == ["Watched"]


def test_a_5xx_is_retried_with_the_same_event_and_a_404_is_not(stack, receiver):
    _sandbox, root = stack
    configure(root, receiver.url, "contact.creation")
    connector, _store = make_connector(root)
    receiver.statuses = [503]
    connector.create("contacts", [("r", {"email": "ada@hooks.example"})])
    assert wait_until(lambda: len(receiver.received) == 2, timeout=10)
    (first,), (retry,) = (batch for _headers, batch in receiver.received)
    assert (first["eventId"], first["attemptNumber"]) == (retry["eventId"], 0)
    assert retry["attemptNumber"] == 1
    receiver.statuses = [404]
    connector.create("contacts", [("r", {"email": "bob@hooks.example"})])
    assert wait_until(lambda: len(receiver.received) == 3, timeout=10)
    time.sleep(0.6)  # past both retry delays
    assert len(receiver.received) == 3


def test_duplicates_repeat_the_event_and_dropped_ones_never_come(stack, receiver):
    sandbox, root = stack
    configure(root, receiver.url, "contact.creation")
    connector, _store = make_connector(root)
    sandbox.webhook_faults = WebhookFaults(duplicate=1.0)
    connector.create("contacts", [("r", {"email": "ada@hooks.example"})])
    # Both copies received, and their answers recorded (after the receiver has them).
    assert wait_until(lambda: len(receiver.received) == len(sandbox.webhooks_sent) == 2,
                      timeout=10)
    assert len({e["eventId"] for e in events(receiver)}) == 1
    sandbox.webhook_faults = WebhookFaults(drop=1.0)
    connector.create("contacts", [("r", {"email": "bob@hooks.example"})])
    assert wait_until(lambda: [status for *_, status in sandbox.webhooks_sent]
                      == [200, 200, "dropped"], timeout=10)
    assert len(receiver.received) == 2


def test_deleted_settings_send_nothing_more(stack, receiver):
    sandbox, root = stack
    configure(root, receiver.url, "contact.creation")
    assert developer(root, "DELETE", "/settings").status_code == 204
    assert developer(root, "GET", "/settings").status_code == 404
    connector, _store = make_connector(root)
    connector.create("contacts", [("r", {"email": "ada@hooks.example"})])
    assert sandbox.webhooks_queued == 0


@pytest.mark.parametrize(("method", "path", "body", "kwargs", "status"), [
    ("GET", "/settings", None, {"key": "wrong"}, 401),
    ("GET", "/subscriptions", None, {"limit": "10"}, 400),
    ("PUT", "/settings", {"targetUrl": "not a url", "throttling": {
        "maxConcurrentRequests": 10}}, {}, 400),
    ("PUT", "/settings", {"targetUrl": "https://x.example/h"}, {}, 400),
    ("POST", "/subscriptions", {"eventType": "contact.merge"}, {}, 400),
    ("POST", "/subscriptions", {"eventType": "contact.propertyChange"}, {}, 400),
    ("POST", "/subscriptions", {"eventType": "contact.propertyChange",
                                "propertyName": "no_such_property"}, {}, 400),
    ("POST", "/subscriptions", {"eventType": "contact.creation", "active": "yes"}, {}, 400),
    ("DELETE", "/subscriptions/99", None, {}, 404),
])
def test_the_developer_api_refuses_what_hubspot_refuses(stack, method, path, body, kwargs,
                                                        status):
    _sandbox, root = stack
    response = developer(root, method, path, body, **kwargs)
    assert response.status_code == status
    assert response.json()["status"] == "error"
    assert response.json()["message"]


def test_an_unknown_app_is_404_and_subscriptions_are_listed(stack, receiver):
    _sandbox, root = stack
    response = requests.get(f"{root}/webhooks/v3/1/settings",
                            params={"hapikey": SANDBOX_DEVELOPER_API_KEY}, timeout=5)
    assert response.status_code == 404
    configure(root, receiver.url, "deal.creation", "company.propertyChange:name")
    listed = developer(root, "GET", "/subscriptions").json()["results"]
    assert [(s["eventType"], s.get("propertyName")) for s in listed] == [
        ("deal.creation", None), ("company.propertyChange", "name")]
    duplicate = developer(root, "POST", "/subscriptions", {"eventType": "deal.creation"})
    assert duplicate.status_code == 409
