"""The Pipedrive sandbox delivers webhooks v2 as Pipedrive does: a POST per create,
change and delete, with the subscription's basic auth, and on a bad day duplicates,
events out of order, retries after a 5xx, or nothing at all."""

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connectors.pipedrive.sandbox import PipedriveSandbox
from connectors.sdk.sandbox.webhooks import WebhookFaults
from tests.connectors.pipedrive.kit import make_connector
from tests.kits.sandbox import sandbox_server
from tests.kits.stack import wait_until


class Receiver:
    """An HTTP receiver that records each POST and answers the statuses it is told
    (then 200)."""

    def __init__(self, statuses=()):
        self.received: list[tuple[dict, dict]] = []
        self.paths: list[str] = []  # each POST's path and query
        self.statuses = list(statuses)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), json.loads(body)))
                receiver.paths.append(self.path)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def metas(self) -> list[dict]:
        return [body["meta"] for _headers, body in self.received]


@pytest.fixture
def sandbox():
    sandbox = PipedriveSandbox()
    sandbox.webhook_faults = WebhookFaults(retry_delays_s=(0.2, 0.2))
    return sandbox


@pytest.fixture
def connector(sandbox):
    with sandbox_server(sandbox) as root:
        yield make_connector(root)


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


def subscribe(connector, receiver, object_name="persons"):
    return connector.register_webhook(object_name, receiver.url, user="syncapp-u",
                                      password="s3cret")


def test_create_change_and_delete_each_post_the_v2_shape_with_basic_auth(connector, receiver):
    subscribe(connector, receiver)
    (created,) = connector.create("persons", [("r", {"first_name": "Ada", "last_name": "L"})])
    person_id = created.record.id
    connector.update("persons", [(person_id, {"first_name": "Grace"})])
    connector.delete("persons", [person_id])
    assert wait_until(lambda: len(receiver.received) == 3, timeout=10)
    by_action = {body["meta"]["action"]: (headers, body) for headers, body in receiver.received}
    assert set(by_action) == {"create", "change", "delete"}
    headers, changed = by_action["change"]
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"syncapp-u:s3cret").decode()
    meta = changed["meta"]
    assert (meta["entity"], meta["entity_id"], meta["version"], meta["attempt"]) == (
        "person", person_id, "2.0", 1)
    assert changed["data"]["name"] == "Grace L"
    assert changed["previous"]["name"] == "Ada L"
    assert by_action["delete"][1]["data"] is None
    assert len({m["id"] for m in receiver.metas()}) == 3  # one event id per change


def test_only_matching_subscriptions_get_the_event(connector, receiver):
    subscribe(connector, receiver, "deals")
    connector.create("persons", [("r", {"first_name": "Ada", "last_name": "L"})])
    connector.create("deals", [("r", {"title": "Big one"})])
    assert wait_until(lambda: len(receiver.received) == 1, timeout=10)
    assert receiver.metas()[0]["entity"] == "deal"


def test_a_removed_webhook_gets_nothing_more(connector, sandbox, receiver):
    connector.remove_webhook(subscribe(connector, receiver))
    connector.create("persons", [("r", {"first_name": "Ada", "last_name": "L"})])
    assert sandbox.webhooks_queued == 0  # so none can still be on its way
    assert receiver.received == []


def test_a_5xx_is_retried_later_with_the_same_event_id(connector, receiver):
    receiver.statuses = [503]
    subscribe(connector, receiver)
    connector.create("persons", [("r", {"first_name": "Ada", "last_name": "L"})])
    assert wait_until(lambda: len(receiver.received) == 2, timeout=10)
    first, retry = receiver.metas()
    assert (first["attempt"], retry["attempt"]) == (1, 2)
    assert first["id"] == retry["id"]


def test_duplicates_repeat_the_event_id(connector, sandbox, receiver):
    sandbox.webhook_faults = WebhookFaults(duplicate=1.0)
    subscribe(connector, receiver)
    connector.create("persons", [("r", {"first_name": "Ada", "last_name": "L"})])
    assert wait_until(lambda: len(receiver.received) == 2, timeout=10)
    assert len({m["id"] for m in receiver.metas()}) == 1


def test_a_held_back_event_arrives_after_a_later_one(connector, sandbox, receiver):
    sandbox.webhook_faults = WebhookFaults(reorder=1.0, hold_s=1.0)
    subscribe(connector, receiver)
    (created,) = connector.create("persons", [("r", {"first_name": "Ada", "last_name": "L"})])
    sandbox.webhook_faults = WebhookFaults()
    connector.update("persons", [(created.record.id, {"first_name": "Grace"})])
    assert wait_until(lambda: len(receiver.received) == 2, timeout=10)
    assert [m["action"] for m in receiver.metas()] == ["change", "create"]


def test_dropped_events_are_never_sent(connector, sandbox, receiver):
    sandbox.webhook_faults = WebhookFaults(drop=1.0)
    subscribe(connector, receiver)
    connector.create("persons", [("r", {"first_name": "Ada", "last_name": "L"})])
    assert wait_until(lambda: len(sandbox.webhooks_sent) == 1, timeout=10)
    assert sandbox.webhooks_sent[0][2] == "dropped"
    assert receiver.received == []
