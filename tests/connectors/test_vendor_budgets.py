"""Vendor request budgets: each sandbox answers 429 the way its vendor does once its
limit is spent, and the connectors' writes, paced by the shared limiter, end with every
record written (a 429 met on the way is waited out, never a failed record).

Small limits keep the tests quick; nothing here is timed (bench/http.py measures how
full the budgets stay at the vendors' real limits).
"""

import os
import uuid

import pytest
import redis
import requests

from connectors.dynamics import DynamicsConnector
from connectors.hubspot import HubSpotConnector
from connectors.pipedrive import PipedriveConnector
from connectors.salesforce import SalesforceConnector
from connectors.sdk import HttpClient, OAuth2Auth
from connectors.sdk.ratelimit import RedisRateLimiter
from connectors.sdk.registry import load
from connectors.zoho import ZohoConnector
from tests.kits.sandbox import MemoryTokenStore, connect, oauth_client, sandbox_server

LOGINS = {"hubspot": "admin@acmecorp.example", "pipedrive": "admin@northwind.example",
          "dynamics": "admin@contoso.example", "salesforce": "admin@globex.example",
          "zoho": "admin@zylker.example"}
CONNECTORS = {"hubspot": HubSpotConnector, "pipedrive": PipedriveConnector,
              "dynamics": DynamicsConnector, "salesforce": SalesforceConnector,
              "zoho": ZohoConnector}
# One API call each sandbox answers for a signed-in account, below its root.
PROBES = {"hubspot": "/crm/v3/objects/contacts?limit=1",
          "pipedrive": "/api/v2/persons?limit=1",
          "dynamics": "/globaldisco/api/discovery/v2.0/Instances",
          "salesforce": "/services/data/v62.0/query?q=SELECT+Id+FROM+Contact"}


def _redis():
    return redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))


@pytest.fixture
def served(request):
    """(sandbox, root URL, access token) for the app named by the test's parameter."""
    app = request.param
    sandbox = load(CONNECTORS[app].sandbox)()
    with sandbox_server(sandbox) as root:
        token = connect(CONNECTORS[app], root, LOGINS[app])
        yield app, sandbox, root, token


def _spend(root: str, app: str, access_token: str, times: int) -> list[requests.Response]:
    headers = {"Authorization": f"Bearer {access_token}"}
    return [requests.get(root + PROBES[app], headers=headers, timeout=10) for _ in range(times)]


@pytest.mark.parametrize("served", ["hubspot"], indirect=True)
def test_hubspot_answers_its_ten_secondly_429_with_its_headers_and_no_retry_after(served):
    app, sandbox, root, token = served
    sandbox.rate = (3, 10.0)
    *admitted, refused = _spend(root, app, token.access_token, 4)
    assert [r.status_code for r in admitted] == [200, 200, 200]
    assert [r.headers["X-HubSpot-RateLimit-Remaining"] for r in admitted] == ["2", "1", "0"]
    assert refused.status_code == 429
    assert refused.headers["X-HubSpot-RateLimit-Max"] == "3"
    assert refused.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    assert refused.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert "Retry-After" not in refused.headers
    body = refused.json()
    assert (body["errorType"], body["policyName"]) == ("RATE_LIMIT", "TEN_SECONDLY_ROLLING")


@pytest.mark.parametrize("served", ["pipedrive"], indirect=True)
def test_pipedrive_refills_its_bucket_a_token_at_a_time_and_says_so(served):
    app, sandbox, root, token = served
    sandbox.rate = (3, 60.0)  # a token back every 20 s
    *admitted, refused = _spend(root, app, token.access_token, 4)
    assert [r.status_code for r in admitted] == [200, 200, 200]
    assert [r.headers["x-ratelimit-remaining"] for r in admitted] == ["2", "1", "0"]
    assert refused.status_code == 429
    assert refused.headers["x-ratelimit-limit"] == "3"
    assert refused.headers["x-ratelimit-remaining"] == "0"
    # A bucket gives one request back after 1/rate, where a window would wait it all out.
    assert 15 <= int(refused.headers["Retry-After"]) <= 20
    assert refused.json() == {**refused.json(), "success": False, "errorCode": 429}


@pytest.mark.parametrize("served", ["dynamics"], indirect=True)
def test_dynamics_counts_per_user_whatever_token_and_answers_0x80072322(served):
    app, sandbox, root, token = served
    sandbox.rate = (3, 300.0)
    second = connect(DynamicsConnector, root, LOGINS[app])  # the same user, another token
    admitted = _spend(root, app, token.access_token, 2) + _spend(root, app, second.access_token, 1)
    (refused,) = _spend(root, app, second.access_token, 1)
    assert [r.status_code for r in admitted] == [200, 200, 200]
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "0x80072322"


@pytest.mark.parametrize("served", ["salesforce"], indirect=True)
def test_salesforce_counts_a_daily_total_per_org_and_refuses_once_it_is_spent(served):
    app, sandbox, root, token = served
    org = sandbox.accounts["00DRO0000001"]
    org.api_limit = 3
    second = connect(SalesforceConnector, root, LOGINS[app])  # the org counts, not the token
    admitted = _spend(root, app, token.access_token, 2) + _spend(root, app, second.access_token, 1)
    (refused,) = _spend(root, app, token.access_token, 1)
    assert [r.status_code for r in admitted] == [200, 200, 200]
    assert [r.headers["Sforce-Limit-Info"] for r in admitted] == [
        "api-usage=1/3", "api-usage=2/3", "api-usage=3/3"]
    assert refused.status_code == 403
    assert "Retry-After" not in refused.headers
    assert refused.json() == [{"message": "TotalRequests Limit exceeded.",
                               "errorCode": "REQUEST_LIMIT_EXCEEDED"}]


@pytest.mark.parametrize("served", ["dynamics"], indirect=True)
def test_a_dynamics_batch_counts_once_however_many_requests_it_holds(served):
    _app, sandbox, root, token = served
    connector = _connector("dynamics", root, token, limiter=None)
    connector.fields("contacts")  # read when the object sync is set up
    sandbox.rate = (1, 300.0)  # room for the one $batch of 50 creates
    outcomes = connector.create("contacts", _items("dynamics", 50))
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok][:3]
    assert sandbox.rate_limited_calls == 0


def _items(app: str, count: int) -> list[tuple[str, dict]]:
    tag = uuid.uuid4().hex[:8]
    if app == "pipedrive":
        return [(str(n), {"first_name": f"Paced{n}", "last_name": tag}) for n in range(count)]
    email, first, last = {"hubspot": ("email", "firstname", "lastname"),
                          "dynamics": ("emailaddress1", "firstname", "lastname"),
                          "zoho": ("Email", "First_Name", "Last_Name")}[app]
    return [(str(n), {email: f"paced.{tag}.{n}@example.com", first: f"Paced{n}", last: "Person"})
            for n in range(count)]


def _connector(app: str, root: str, token, *, limiter):
    cls = CONNECTORS[app]
    store = MemoryTokenStore(token)
    http = HttpClient(auth=OAuth2Auth(oauth_client(cls, root), store), limiter=limiter)
    bases = cls.sandbox_bases(root)
    connector = cls(http, api_bases=bases, account=store.token.extra)
    if app == "dynamics":
        connector = cls(http, api_bases=bases, account=connector.account_info().extra)
    return connector


# (app, the sandbox's limit, records): each write spans several of the limit's periods.
PACED = [("pipedrive", (10, 1.0), 30), ("hubspot", (2, 1.0), 450), ("dynamics", (2, 1.0), 30),
         ("zoho", (2, 1.0), 450)]


@pytest.mark.parametrize(("served", "limit", "count"), PACED, indirect=["served"],
                         ids=[app for app, _limit, _count in PACED])
def test_paced_writes_under_a_limit_write_every_record(served, limit, count):
    app, sandbox, root, token = served
    sandbox.rate = limit
    limiter = RedisRateLimiter(_redis(), f"test-paced-{app}-{uuid.uuid4().hex}", *limit)
    connector = _connector(app, root, token, limiter=limiter)
    object_name = {"pipedrive": "persons", "zoho": "Contacts"}.get(app, "contacts")
    items = _items(app, count)
    outcomes = connector.create(object_name, items)
    assert [o.ref for o in outcomes] == [ref for ref, _values in items]  # in order
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok][:3]
    assert len({o.record.id for o in outcomes}) == count


@pytest.mark.parametrize("served", ["pipedrive"], indirect=True)
def test_concurrent_writes_keep_each_outcome_with_its_record(served):
    """Twelve requests in flight, and each outcome still belongs to its own item."""
    app, _sandbox, root, token = served
    connector = _connector(app, root, token, limiter=None)
    items = _items(app, 24)
    outcomes = connector.create("persons", items)
    assert [o.record.values["first_name"] for o in outcomes] == [
        values["first_name"] for _ref, values in items]


@pytest.mark.parametrize("served", ["pipedrive"], indirect=True)
def test_concurrent_writes_meeting_an_expired_token_refresh_it_and_write_every_record(served):
    """The threads share the headers read when the write began; a 401 on any of them
    refreshes the token and every thread goes on with the new one."""
    app, sandbox, root, token = served
    connector = _connector(app, root, token, limiter=None)
    connector.account_currency()  # read before the token goes stale
    sandbox.expire_access_tokens()
    items = _items(app, 24)
    outcomes = connector.create("persons", items)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes if not o.ok][:3]
    assert connector.http.auth.store.saves >= 1  # refreshed, not retried on the stale token
