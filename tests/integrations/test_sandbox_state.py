"""The sandboxes' state shared by every web process (syncapp/integrations/sandbox_state.py).

Under gunicorn each request may land on another process: an OAuth code one process
issues must be exchanged by the next, a record one creates read by another, a
browser signed in through one recognised by all. The Redis is the test run's own
database; each test's keys are its own and dropped after it.
"""

import json
import pickle
import re
import subprocess
import sys
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import redis
import requests
from django.conf import settings

from connectors.sdk import registry
from connectors.sdk.sandbox import Request, Response
from syncapp.devstack.embedded_redis import free_port
from syncapp.integrations import sandbox_state
from syncapp.integrations.sandbox_state import SharedState, sandbox_factory
from tests.kits.markers import require
from tests.kits.stack import ROOT, process_env, stop, wait_until

SANDBOX_APPS = sorted(key for key, cls in registry.connectors().items() if cls.sandbox)
LOGINS = {"pipedrive": "admin@northwind.example", "hubspot": "admin@acmecorp.example",
          "dynamics": "admin@contoso.example", "salesforce": "admin@globex.example",
          "zoho": "admin@zylker.example"}
SCOPES = {"pipedrive": "contacts:full", "hubspot": "crm.objects.contacts.read",
          "dynamics": "https://globaldisco.crm.dynamics.com/user_impersonation offline_access",
          "salesforce": "api refresh_token", "zoho": "ZohoCRM.modules.ALL"}
CLIENT = {"client_id": "syncapp-sandbox-client", "client_secret": "syncapp-sandbox-secret"}
CALLBACK = "http://syncapp.test/callback"
FORM = {"content-type": "application/x-www-form-urlencoded"}

# (method, path, headers, body) -> the sandbox's answer; a process's view of a sandbox.
Send = Callable[[str, str, dict, bytes], Response]


# --- the flows, over any way of reaching a sandbox ----------------------------------------


def provider(app_key: str):
    """The app's sandbox without accounts: its OAuth paths and error shapes."""
    return sandbox_factory(app_key)(seed=False)


def authorize(send: Send, app_key: str) -> str:
    """Consent as the sandbox account's admin; returns the authorization code."""
    form = {"client_id": CLIENT["client_id"], "redirect_uri": CALLBACK, "state": "s1",
            "scope": SCOPES[app_key], "decision": "allow", "login": LOGINS[app_key],
            "password": "sandbox"}
    reply = send("POST", provider(app_key).authorize_path, FORM, urlencode(form).encode())
    assert reply.status == 302, reply.body[:300]
    return parse_qs(urlsplit(reply.headers["Location"]).query)["code"][0]


def exchange(send: Send, app_key: str, code: str) -> Response:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, **CLIENT}
    return send("POST", provider(app_key).token_path, FORM, urlencode(form).encode())


def connect_pipedrive(send: Send) -> str:
    """Pipedrive's OAuth flow; returns the access token."""
    reply = exchange(send, "pipedrive", authorize(send, "pipedrive"))
    assert reply.status == 200, reply.body[:300]
    return json.loads(reply.body)["access_token"]


def create_person(send: Send, token: str, name: str) -> int:
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    reply = send("POST", "/api/v2/persons", headers, json.dumps({"name": name}).encode())
    assert reply.status == 200, reply.body[:300]
    return json.loads(reply.body)["data"]["id"]


def person_name(send: Send, token: str, person_id: int) -> str:
    reply = send("GET", f"/api/v2/persons/{person_id}", {"authorization": f"Bearer {token}"},
                 b"")
    assert reply.status == 200, reply.body[:300]
    return json.loads(reply.body)["data"]["name"]


# --- two processes' views of one Redis ----------------------------------------------------


@pytest.fixture
def two_processes():
    """Two SharedStates on the test run's Redis, each with its own cache of the sandboxes,
    as two gunicorn workers have; under a key prefix of this test's own."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    views = [SharedState(client, settings.SECRET_KEY) for _ in range(2)]
    prefix = f"syncapp:sandbox-test-{uuid.uuid4().hex[:8]}"
    for view in views:
        view.prefix = prefix
    yield views
    views[0].reset()


def through(view: SharedState, app_key: str) -> Send:
    def send(method: str, path: str, headers: dict, body: bytes) -> Response:
        with view.editing(app_key) as sandbox:
            return sandbox.handle(Request(method, path, {}, headers, body,
                                          f"http://syncapp.test/sandbox/{app_key}"))

    return send


@pytest.mark.parametrize("app_key", SANDBOX_APPS)
def test_a_code_issued_by_one_process_is_exchanged_by_the_other_once(two_processes, app_key):
    first, second = (through(view, app_key) for view in two_processes)
    code = authorize(first, app_key)

    exchanged = exchange(second, app_key, code)
    assert exchanged.status == 200, exchanged.body[:300]
    assert json.loads(exchanged.body)["access_token"]
    # Single use holds across processes: the first one knows it was used (Zoho says so
    # with HTTP 200 and {"error": "invalid_code"}, the others with a 400).
    again = exchange(first, app_key, code)
    assert again.status == 400 or "error" in json.loads(again.body), again.body[:300]
    assert "access_token" not in json.loads(again.body)


def test_a_record_created_through_one_process_is_read_through_the_other(two_processes):
    first, second = (through(view, "pipedrive") for view in two_processes)
    token = connect_pipedrive(second)

    person_id = create_person(first, token, "Ada Lovelace")
    assert person_name(second, token, person_id) == "Ada Lovelace"
    create_person(second, token, "Grace Hopper")
    people = first("GET", "/api/v2/persons", {"authorization": f"Bearer {token}"}, b"")
    assert {"Ada Lovelace", "Grace Hopper"} <= {p["name"] for p in json.loads(people.body)["data"]}


def test_a_browser_signed_in_through_one_process_is_signed_in_on_the_other(two_processes):
    first, second = (through(view, "pipedrive") for view in two_processes)
    form = urlencode({"login": LOGINS["pipedrive"], "password": "sandbox"}).encode()
    signed_in = first("POST", "/app/login", FORM, form)
    assert signed_in.status == 303
    cookie = signed_in.headers["Set-Cookie"].split(";")[0]

    people = second("GET", "/app", {"cookie": cookie}, b"")
    assert people.status == 200
    assert b"<h1>People</h1>" in people.body


def test_a_change_made_in_editing_is_what_the_other_process_serves(two_processes):
    first, second = two_processes
    with first.editing("hubspot") as sandbox:
        sandbox.faults.ratio, sandbox.faults.statuses = 1.0, (503,)
    send = through(second, "hubspot")
    token = json.loads(exchange(send, "hubspot", authorize(send, "hubspot")).body)["access_token"]

    reply = send("GET", "/crm/v3/objects/contacts", {"authorization": f"Bearer {token}"}, b"")
    assert reply.status == 503
    assert json.loads(reply.body)["category"] == "INTERNAL_ERROR"


def test_state_signed_with_another_key_is_never_unpickled(two_processes):
    first, _ = two_processes
    send = through(first, "pipedrive")
    create_person(send, connect_pipedrive(send), "Mallory")
    forger = SharedState(first._client, "another secret")
    forger.prefix = first.prefix

    with forger.editing("pipedrive") as sandbox:  # the seed data, not the stored state
        names = {p["name"] for a in sandbox.accounts.values() for p in a.data["persons"].values()}
    assert "Mallory" not in names


@pytest.mark.parametrize("app_key", SANDBOX_APPS)
def test_every_sandbox_survives_pickling_with_its_tokens_and_sessions(app_key):
    sandbox = sandbox_factory(app_key)()
    send_before = _direct(sandbox, app_key)
    token = json.loads(exchange(send_before, app_key, authorize(send_before, app_key)).body)

    copy = pickle.loads(pickle.dumps(sandbox))  # noqa: S301 - its own bytes
    refreshed = _direct(copy, app_key)("POST", provider(app_key).token_path, FORM, urlencode(
        {"grant_type": "refresh_token", "refresh_token": token["refresh_token"], **CLIENT}
    ).encode())
    assert refreshed.status == 200, refreshed.body[:300]
    with copy.lock:  # a lock of its own, not the original's
        assert copy.lock is not sandbox.lock


def _direct(sandbox, app_key: str) -> Send:
    return lambda method, path, headers, body: sandbox.handle(
        Request(method, path, {}, headers, body, f"http://syncapp.test/sandbox/{app_key}"))


# --- Redis down -----------------------------------------------------------------------------

VENDOR_ERROR_SHAPE = {
    "pipedrive": lambda body: body["success"] is False and "unreachable" in body["error"],
    "hubspot": lambda body: body["status"] == "error" and "unreachable" in body["message"],
    "dynamics": lambda body: "unreachable" in body["error"]["message"],
    "salesforce": lambda body: body[0]["errorCode"] == "SERVER_UNAVAILABLE"
    and "unreachable" in body[0]["message"],
    "zoho": lambda body: body["status"] == "error" and "unreachable" in body["message"],
}


@pytest.mark.parametrize("app_key", SANDBOX_APPS)
def test_with_redis_down_the_sandbox_answers_503_in_the_vendors_shape(client, settings,
                                                                     app_key):
    settings.SANDBOX_SHARED_STATE = True
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    response = client.get(f"/sandbox/{app_key}{provider(app_key).authorize_path}")
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert VENDOR_ERROR_SHAPE[app_key](response.json())


# --- gunicorn with three workers ------------------------------------------------------------

# Twelve round trips, 48 requests: with a worker replaced every 5 requests, about ten
# fresh processes each meet state written by others.
ROUND_TRIPS = 12


@pytest.fixture
def gunicorn(db, tmp_path):
    """The Django app under gunicorn with three worker processes, sandboxes in Redis;
    yields its URL and the access log, which names the worker of every request."""
    require("worker", "starts gunicorn's workers")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    access_log = tmp_path / "access.log"
    # Each worker process is replaced after a few requests: later requests meet fresh
    # processes that never saw the earlier ones, whichever process the OS hands them to.
    command = [sys.executable, "-m", "gunicorn", "syncapp.wsgi", "--workers", "3",
               "--max-requests", "5", "--bind", f"127.0.0.1:{port}",
               "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(m)s %(U)s %(s)s"]
    env = process_env(SANDBOXES_ENABLED="true", SANDBOX_SHARED_STATE="true", SITE_URL=url,
                      REDIS_URL=settings.REDIS_URL)
    with (tmp_path / "gunicorn.log").open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert wait_until(lambda: _answers(url), timeout=60), (
            (tmp_path / "gunicorn.log").read_text()[-2000:])
        yield url, access_log
    finally:
        stop(process)
        sandbox_state.SharedState(redis.Redis.from_url(settings.REDIS_URL), "").reset()


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/sandbox/pipedrive/app", timeout=5).status_code == 200
    except requests.RequestException:  # not listening yet, or its workers still starting
        return False


def over_http(base: str) -> Send:
    session = requests.Session()  # a new connection each time: gunicorn's workers close them

    def send(method: str, path: str, headers: dict, body: bytes) -> Response:
        reply = session.request(method, f"{base}/sandbox/pipedrive{path}", headers=headers,
                                data=body, allow_redirects=False, timeout=30)
        return Response(reply.status_code, reply.content, dict(reply.headers))

    return send


@pytest.mark.worker
def test_under_gunicorn_every_code_and_every_write_is_seen_by_every_worker(gunicorn):
    url, access_log = gunicorn

    def round_trip(n: int) -> tuple[str, str]:
        send = over_http(url)
        token = connect_pipedrive(send)
        name = f"Person {n}"
        return name, person_name(send, token, create_person(send, token, name))

    # Six clients at once: gunicorn's sync workers serve one request each at a time, so
    # concurrent requests are spread over the three processes.
    with ThreadPoolExecutor(max_workers=6) as clients:
        answers = list(clients.map(round_trip, range(ROUND_TRIPS)))

    assert all(written == read for written, read in answers)
    workers = {line.split()[0] for line in access_log.read_text().splitlines()
               if re.search(r" /sandbox/pipedrive/oauth/token 200$", line)}
    assert len(workers) > 1, "every token exchange landed on one worker"
