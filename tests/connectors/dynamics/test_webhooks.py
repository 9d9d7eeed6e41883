"""The Dynamics sandbox delivers Dataverse webhooks: a service endpoint with Create,
Update and Delete steps on a table gets a RemoteExecutionContext per change, keyed
with `?code=`, and on a bad day retries, duplicates, reorders or drops; and it refuses
the registrations it does not implement as Dataverse refuses a request."""

import pytest
import requests

from connectors.dynamics import DynamicsConnector
from connectors.dynamics.contract import ContractLog
from connectors.dynamics.sandbox import create_sandbox
from connectors.sdk import ConnectorError
from connectors.sdk.sandbox.webhooks import WebhookFaults
from tests.connectors.dynamics.test_behaviour import make_connector
from tests.connectors.pipedrive.test_sandbox_webhooks import Receiver
from tests.kits.sandbox import sandbox_server
from tests.kits.stack import wait_until

KEY = "k3y/with+odd=chars"


@pytest.fixture
def sandbox():
    sandbox = create_sandbox()
    sandbox.webhook_faults = WebhookFaults(retry_delays_s=(0.2, 0.2))
    return sandbox


@pytest.fixture
def root(sandbox):
    with sandbox_server(sandbox) as url:
        yield url


@pytest.fixture
def contract():
    log = ContractLog()
    yield log
    assert not log.seen, "\n".join(log.seen[:20])


@pytest.fixture
def connected(root, contract):
    """(connector, its token store): every call checked against the Dataverse contract."""
    return make_connector(root, "admin@contoso.example", contract)


@pytest.fixture
def connector(connected):
    return connected[0]


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


def contexts(receiver) -> list[dict]:
    return [body for _headers, body in receiver.received]


def test_create_update_and_delete_each_post_a_context_keyed_with_code(connector, receiver):
    connector.register_webhook("contacts", receiver.url, password=KEY)
    (created,) = connector.create("contacts", [("r", {"firstname": "Ada", "lastname": "L"})])
    contact_id = created.record.id
    connector.update("contacts", [(contact_id, {"firstname": "Grace"})])
    connector.delete("contacts", [contact_id])
    assert wait_until(lambda: len(receiver.received) == 3, timeout=10)
    by_message = {body["MessageName"]: (headers, body) for headers, body in receiver.received}
    assert set(by_message) == {"Create", "Update", "Delete"}
    assert set(receiver.paths) == {"/hook?code=k3y%2Fwith%2Bodd%3Dchars"}
    headers, updated = by_message["Update"]
    assert (updated["PrimaryEntityName"], updated["PrimaryEntityId"]) == ("contact", contact_id)
    assert headers["x-ms-dynamics-entity-name"] == "contact"
    assert headers["x-ms-dynamics-request-name"] == "Update"
    assert headers["x-request-id"] == updated["RequestId"]
    assert headers["x-ms-dynamics-organization"] == "contoso.crm.dynamics.com"
    assert updated["OperationCreatedOn"].startswith("/Date(")
    events = DynamicsConnector.webhook_events(updated)
    assert [(e.object_name, e.action, e.record_id) for e in events] == [
        ("contacts", "change", contact_id)]


def test_only_the_registered_table_is_announced(connector, receiver):
    connector.register_webhook("accounts", receiver.url, password=KEY)
    connector.create("contacts", [("r", {"firstname": "Ada", "lastname": "L"})])
    connector.create("accounts", [("r", {"name": "Contoso Webhooks"})])
    assert wait_until(lambda: len(receiver.received) == 1, timeout=10)
    assert contexts(receiver)[0]["PrimaryEntityName"] == "account"


def test_a_removed_webhook_takes_its_steps_and_endpoint_and_gets_nothing_more(
        connector, sandbox, receiver):
    hook = connector.register_webhook("contacts", receiver.url, password=KEY)
    env = sandbox.environment("contoso")
    assert (len(env.service_endpoints), len(env.steps)) == (1, 3)
    connector.remove_webhook(hook)
    connector.remove_webhook(hook)  # already gone: fine
    assert (env.service_endpoints, env.steps) == ({}, {})
    connector.create("contacts", [("r", {"firstname": "Ada", "lastname": "L"})])
    assert sandbox.webhooks_queued == 0


def test_a_5xx_is_retried_with_the_same_request_id(connector, receiver):
    receiver.statuses = [503]
    connector.register_webhook("contacts", receiver.url, password=KEY)
    connector.create("contacts", [("r", {"firstname": "Ada", "lastname": "L"})])
    assert wait_until(lambda: len(receiver.received) == 2, timeout=10)
    first, retry = contexts(receiver)
    assert first["RequestId"] == retry["RequestId"]
    assert {e.event_id for c in (first, retry) for e in DynamicsConnector.webhook_events(c)} \
        == {DynamicsConnector.webhook_events(first)[0].event_id}


def test_duplicates_reorders_and_drops_happen_as_told(connector, sandbox, receiver):
    connector.register_webhook("contacts", receiver.url, password=KEY)
    sandbox.webhook_faults = WebhookFaults(duplicate=1.0)
    (created,) = connector.create("contacts", [("r", {"firstname": "Ada", "lastname": "L"})])
    # Both copies received, and their answers recorded: a delivery thread records its
    # answer after the receiver has it, and a late record would follow the drop's.
    assert wait_until(lambda: len(receiver.received) == len(sandbox.webhooks_sent) == 2,
                      timeout=10)
    assert len({c["RequestId"] for c in contexts(receiver)}) == 1
    sandbox.webhook_faults = WebhookFaults(drop=1.0)
    connector.update("contacts", [(created.record.id, {"firstname": "Never sent"})])
    assert [status for *_, status in sandbox.webhooks_sent] == [200, 200, "dropped"]
    assert len(receiver.received) == 2


def test_a_failed_change_set_announces_nothing(connector, sandbox, receiver):
    connector.register_webhook("contacts", receiver.url, password=KEY)
    outcomes = connector.update("contacts", [
        ("00000000-0000-0000-0000-000000000001", {"firstname": "Nobody"})])
    assert not outcomes[0].ok
    assert sandbox.webhooks_queued == 0


def test_registrations_it_does_not_implement_are_refused_in_dataverse_shape(
        connected, root, sandbox):
    token = connected[1].load().access_token
    api = f"{root}/contoso/api/data/v9.2"
    heads = {"Authorization": f"Bearer {token}", "OData-Version": "4.0",
             "OData-MaxVersion": "4.0", "Accept": "application/json"}
    header_auth = {"name": "x", "url": "https://example.com/h", "contract": 8,
                   "authtype": 5, "authvalue": "k", "connectionmode": 1}
    reply = requests.post(f"{api}/serviceendpoints", json=header_auth, headers=heads, timeout=10)
    assert reply.status_code == 400
    assert "not implemented" in reply.json()["error"]["message"]
    unknown = requests.post(f"{api}/serviceendpoints", json={**header_auth, "authtype": 4,
                                                             "colour": "red"},
                            headers=heads, timeout=10)
    assert unknown.json()["error"]["code"] == "0x80060888"
    assert sandbox.environment("contoso").service_endpoints == {}


def test_a_refused_registration_leaves_nothing_behind(connector, sandbox):
    with pytest.raises(ConnectorError):
        connector.register_webhook("contacts", "not a url", password=KEY)
    assert sandbox.environment("contoso").service_endpoints == {}
