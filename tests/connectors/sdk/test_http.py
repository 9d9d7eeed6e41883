"""The shared HTTP client: what each vendor answer means, and how long to wait."""

import json

import pytest
import requests

from connectors.sdk import ConnectorError, ErrorCategory, HttpClient
from connectors.sdk.http import Backoff, parse_retry_after
from connectors.sdk.sandbox import Response, Sandbox, SandboxAccount, route
from tests.kits.sandbox import sandbox_server


class ScriptedSandbox(Sandbox):
    """Answers each call with the next scripted reply."""

    def __init__(self):
        super().__init__()
        self.script: list[Response] = []
        self.hits = 0

    def seed(self):
        self.add_account(SandboxAccount("1", "Scripted", "s@example.com", "sandbox"))

    def handle(self, request):
        self.hits += 1
        return self.script.pop(0) if self.script else Response.json({"ok": True})


@pytest.fixture
def scripted():
    sandbox = ScriptedSandbox()
    with sandbox_server(sandbox) as url:
        yield sandbox, url


def client(**kwargs) -> tuple[HttpClient, list[float]]:
    waits: list[float] = []
    return HttpClient(sleep=waits.append, **kwargs), waits


def test_retry_after_is_honoured_then_the_call_succeeds(scripted):
    sandbox, url = scripted
    sandbox.script = [Response(429, b"{}", {"Retry-After": "7"}), Response.json({"n": 1})]
    http, waits = client()
    assert http.request("GET", url + "/x").body == {"n": 1}
    assert waits == [7.0]


def test_server_errors_back_off_exponentially_and_give_up_bounded(scripted):
    sandbox, url = scripted
    sandbox.script = [Response(503, b"down")] * 10
    http, waits = client(max_attempts=4, backoff=Backoff(base=1, cap=100))
    with pytest.raises(ConnectorError) as raised:
        http.request("GET", url + "/x")
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE
    assert sandbox.hits == 4
    assert len(waits) == 3
    assert [0.5 <= waits[0] <= 1, 1 <= waits[1] <= 2, 2 <= waits[2] <= 4] == [True] * 3


@pytest.mark.parametrize(
    ("status", "category"),
    [
        (400, ErrorCategory.INVALID_VALUE),
        (403, ErrorCategory.PERMISSION_DENIED),
        (404, ErrorCategory.NOT_FOUND),
        (409, ErrorCategory.DUPLICATE),
        (422, ErrorCategory.INVALID_VALUE),
    ],
)
def test_client_errors_are_classified_and_never_retried(scripted, status, category):
    sandbox, url = scripted
    sandbox.script = [Response.json({"message": "vendor says no"}, status)]
    http, waits = client()
    with pytest.raises(ConnectorError) as raised:
        http.request("POST", url + "/x", json={})
    assert raised.value.category is category
    assert raised.value.vendor_message == "vendor says no"
    assert sandbox.hits == 1
    assert waits == []


@pytest.mark.parametrize(
    "reply",
    [
        Response(200, b"<html><body>Bad gateway</body></html>", {"Content-Type": "text/html"}),
        Response(200, b'{"truncated": ', {"Content-Type": "application/json"}),
    ],
)
def test_a_success_that_is_not_json_is_retried_then_reported(scripted, reply):
    sandbox, url = scripted
    sandbox.script = [reply, reply, reply]
    http, _ = client(max_attempts=3)
    with pytest.raises(ConnectorError) as raised:
        http.request("GET", url + "/x")
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE
    assert sandbox.hits == 3


def test_html_error_page_keeps_its_text_for_the_user(scripted):
    sandbox, url = scripted
    sandbox.script = [Response(403, b"<h1>Forbidden by proxy</h1>", {"Content-Type": "text/html"})]
    http, _ = client()
    with pytest.raises(ConnectorError) as raised:
        http.request("GET", url + "/x")
    assert "Forbidden by proxy" in raised.value.vendor_message


def test_401_refreshes_once_and_retries(scripted):
    sandbox, url = scripted
    sandbox.script = [Response(401, b"{}"), Response.json({"fine": True})]

    class Auth:
        refreshed = 0

        def headers(self):
            return {"Authorization": "Bearer t"}

        def refresh(self, stale):
            Auth.refreshed += 1

    http, _ = client(auth=Auth())
    assert http.request("GET", url + "/x").body == {"fine": True}
    assert Auth.refreshed == 1


def test_401_twice_is_auth_expired_not_a_loop(scripted):
    sandbox, url = scripted
    sandbox.script = [Response(401, b"{}")] * 5

    class Auth:
        def headers(self):
            return {}

        def refresh(self, stale):
            return None

    http, _ = client(auth=Auth())
    with pytest.raises(ConnectorError) as raised:
        http.request("GET", url + "/x")
    assert raised.value.category is ErrorCategory.AUTH_EXPIRED
    assert sandbox.hits == 2


def test_timeouts_are_retried_as_app_unavailable():
    class Slow(Sandbox):
        def handle(self, request):
            import time

            time.sleep(0.5)
            return Response.json({})

    with sandbox_server(Slow()) as url:
        http, waits = client(timeout=(1, 0.1), max_attempts=2)
        with pytest.raises(ConnectorError) as raised:
            http.request("GET", url + "/x")
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE
    assert len(waits) == 1


def test_connection_refused_is_app_unavailable():
    http, _ = client(max_attempts=2)
    with pytest.raises(ConnectorError) as raised:
        http.request("GET", "http://127.0.0.1:9/nothing-listens-here")
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE


def test_retry_after_as_http_date_and_garbage():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("2.5") == 2.5


def test_sandbox_routes_require_a_valid_bearer_token():
    class Echo(Sandbox):
        def seed(self):
            self.add_account(SandboxAccount("1", "Echo", "e@example.com", "sandbox"))

        @route("GET", "/things/{thing_id}")
        def thing(self, request, account, thing_id):
            return Response.json({"id": thing_id})

    with sandbox_server(Echo()) as url:
        reply = requests.get(url + "/things/5", timeout=5)
    assert reply.status_code == 401
    assert "access token" in json.loads(reply.content)["error"]


def test_the_meter_sees_every_attempt_each_429_and_each_retry(scripted):
    from collections import Counter

    from connectors.sdk.callmeter import CallEvent

    sandbox, url = scripted
    sandbox.script = [Response(429, b"{}", {"Retry-After": "0"}), Response(503, b"down"),
                      Response(401, b"{}"), Response.json({"n": 1}),
                      Response(404, b"{}")]

    class Meter(Counter):
        def count(self, event):
            self[event] += 1

    class Auth:
        def headers(self):
            return {}

        def refresh(self, stale):
            return None

    meter = Meter()
    http, _ = client(auth=Auth(), meter=meter)
    assert http.request("GET", url + "/x").body == {"n": 1}
    with pytest.raises(ConnectorError):
        http.request("GET", url + "/y")  # a 404: counted as a call, never retried
    assert meter == {CallEvent.CALL: 5, CallEvent.RATE_LIMITED: 1, CallEvent.RETRY: 3}
    assert sandbox.hits == 5
