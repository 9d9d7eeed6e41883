"""Pipedrive quirks and bad input, against the sandbox over real HTTP (no Prism here)."""

import dataclasses
import datetime as dt

import pytest

from connectors.pipedrive import PipedriveConnector
from connectors.pipedrive.client import ReadCursor, read_error
from connectors.sdk import ConnectorError, ErrorCategory, HttpClient
from connectors.sdk.sandbox import Response
from tests.connectors.pipedrive.kit import (
    NORTHWIND,
    drain,
    from_now,
    frozen,
    make_connector,
)
from tests.kits.sandbox import (
    connect,
    consent,
    oauth_client,
)

# --- Pipedrive's error bodies ---------------------------------------------------------------

@pytest.mark.parametrize(("status", "body", "category", "message"), [
    (400, {"success": False, "error": "Validation failed: name: Parameter 'name' is required"},
     ErrorCategory.REQUIRED_MISSING, "Validation failed: name: Parameter 'name' is required"),
    (400, {"success": False, "error": "Validation failed: value: must be a number"},
     None, "Validation failed: value: must be a number"),
    (409, {"success": False, "error": "Webhook already exists"}, ErrorCategory.DUPLICATE,
     "Webhook already exists"),
    (403, {"success": False, "error": "Scope and URL mismatch", "errorCode": 403},
     None, "Scope and URL mismatch"),
    (502, "<html><body>Bad gateway</body></html>", None,
     "<html><body>Bad gateway</body></html>"),
    (500, None, None, ""),
])
def test_error_bodies_are_read_in_pipedrive_words(status, body, category, message):
    assert read_error(status, body) == (category, message)


def test_a_missing_scope_is_permission_denied(root):
    spec = dataclasses.replace(PipedriveConnector.spec.auth, scopes=("base", "contacts:read"))
    client = oauth_client(PipedriveConnector, root)
    client.spec = spec
    callback = consent(client, NORTHWIND)
    token = client.exchange_code(callback["code"], callback["_verifier"])
    connector = make_connector(root, token=token)
    assert connector.read_changes("persons", None).records
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("deals", None)
    assert raised.value.category is ErrorCategory.PERMISSION_DENIED
    assert raised.value.vendor_message == "Scope and URL mismatch"
    (outcome,) = connector.create("persons", [("r", {"name": "Read Only"})])
    assert outcome.error.category is ErrorCategory.PERMISSION_DENIED


# --- bad input from the app -----------------------------------------------------------------

def answer(sandbox, path, response):
    """Make the sandbox answer `response` to every request for `path`."""
    original = sandbox.handle

    def handle(request):
        return response if request.path == path else original(request)

    sandbox.handle = handle


def test_an_html_page_with_200_is_retried_then_reported_unavailable(sandbox, connector):
    answer(sandbox, "/api/v2/persons", Response.html("<h1>Maintenance</h1>"))
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("persons", None)
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE
    assert "Maintenance" in raised.value.vendor_message


@pytest.mark.parametrize("body", [
    {"success": True},  # no data at all
    {"success": True, "data": {"id": 1}},  # an object where a list belongs
    {"success": True, "data": [1, 2]},  # a list of numbers
    {"success": True, "data": [{"title": "no id"}]},  # a record without its id
    ["not", "an", "object"],
])
def test_a_list_in_an_unexpected_shape_is_app_unavailable(sandbox, connector, body):
    answer(sandbox, "/api/v2/deals", Response.json(body))
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("deals", None)
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE


def test_success_false_in_a_200_is_refused(sandbox, connector):
    answer(sandbox, "/api/v1/users/me", Response.json({"success": False, "data": None,
                                                       "error": "Company is suspended"}))
    with pytest.raises(ConnectorError) as raised:
        connector.account_info()
    assert raised.value.vendor_message == "Company is suspended"


def test_records_with_missing_fields_and_wrong_types_still_read(sandbox, connector):
    odd = [
        {"id": 501},
        {"id": 502, "name": 42, "emails": "not-a-list", "phones": [None, {"value": ""}],
         "org_id": {"value": 7, "name": "Nested the v1 way"}, "postal_address": "street",
         "custom_fields": {"abc": {"value": 5, "currency": "EUR"}, "set": [1, 2], "x": None}},
    ]
    answer(sandbox, "/api/v2/persons", Response.json(
        {"success": True, "data": odd, "additional_data": {"next_cursor": None}}))
    first, second = connector.read_changes("persons", None).records
    assert first.id == "501" and first.values["email"] is None and first.modified_at is None
    assert second.values["name"] == "42" and second.values["email"] is None
    assert second.values["org_id"] == "7" and second.values["postal_address"] is None
    assert (second.values["abc"], second.values["set"], second.values["x"]) == ("5", "1;2", None)


def test_a_bad_value_fails_its_record_before_any_request(sandbox, connector):
    calls = len(sandbox.calls)
    outcomes = connector.create("deals", [("a", {"title": "A", "value": "lots"}),
                                          ("b", {"title": "B", "update_time": "2024-01-01"})])
    assert [o.error.category for o in outcomes] == [ErrorCategory.INVALID_VALUE,
                                                    ErrorCategory.READ_ONLY]
    assert outcomes[0].error.field == "value"
    assert len(sandbox.calls) == calls


def injected(sandbox) -> list[int]:
    """The statuses of the faults the sandbox injects from now on."""
    hits, original = [], sandbox._fault

    def fault():
        reply = original()
        if reply is not None:
            hits.append(reply.status)
        return reply

    sandbox._fault = fault
    return hits


def test_a_storm_of_5xx_and_429_is_ridden_out_without_losing_records(sandbox, connector):
    expected = sorted(r.id for r in drain(connector, "persons", limit=3)[0])
    hits = injected(sandbox)
    sandbox.faults.ratio, sandbox.faults.statuses = 0.4, (500, 502, 503, 429)
    try:
        got = drain(connector, "persons", limit=3)[0]
    finally:
        sandbox.faults.ratio = 0.0
    assert sorted(r.id for r in got) == expected
    assert {500, 502, 503, 429} & set(hits)


def test_a_reply_slower_than_the_timeout_is_retried(sandbox, root):
    connector = make_connector(root)
    connector.http.timeout = (2.0, 0.2)
    hits = injected(sandbox)
    sandbox.faults.ratio, sandbox.faults.statuses, sandbox.faults.delay_s = 0.5, (0,), 0.5
    try:
        records = drain(connector, "organizations", limit=2)[0]
    finally:
        sandbox.faults.ratio = 0.0
    assert len(records) == 6
    assert hits  # some replies came too late and were retried


# --- vanished records -----------------------------------------------------------------------

def test_a_deleted_record_is_not_found(connector):
    (created,) = connector.create("persons", [("r", {"name": "Gone Soon"})])
    app_id = created.record.id
    assert connector.delete("persons", [app_id])[0].ok
    assert connector.read_by_ids("persons", [app_id]) == []
    (update,) = connector.update("persons", [(app_id, {"job_title": "Ghost"})])
    assert update.error.category is ErrorCategory.NOT_FOUND
    assert update.error.vendor_message == "Person not found"
    assert connector.delete("persons", [app_id])[0].error.category is ErrorCategory.NOT_FOUND
    assert connector.update("persons", [("abc", {"name": "x"})])[0].error.category is (
        ErrorCategory.NOT_FOUND)


def test_deleted_deals_and_notes_are_listed_with_their_deletion_time(sandbox, connector):
    moment = from_now(seconds=5)
    _gone, cursor = [], None
    while True:
        page = connector.read_deleted("deals", cursor)
        cursor = page.cursor
        if page.done:
            break
    frozen(sandbox, moment)
    connector.delete("deals", ["2"])
    gone = connector.read_deleted("deals", cursor).records
    assert [(d.id, d.deleted_at) for d in gone] == [("2", moment)]
    connector.delete("notes", ["1"])
    assert "1" in {d.id for d in connector.read_deleted("notes", None).records}


# --- paging ----------------------------------------------------------------------------------

def test_records_sharing_one_second_are_all_read_across_pages(sandbox, connector):
    _old, cursor = drain(connector, "persons")
    frozen(sandbox, from_now(days=1))
    created = connector.create("persons", [(str(n), {"name": f"Same Second {n}"})
                                           for n in range(7)])
    changed, cursor = drain(connector, "persons", cursor, limit=2)
    assert {o.record.id for o in created} <= {r.id for r in changed}
    again, _ = drain(connector, "persons", cursor, limit=2)  # the last second is re-read
    assert {r.id for r in again} == {o.record.id for o in created}


def test_a_note_changed_mid_pass_does_not_hide_the_next_one(sandbox, connector):
    base = from_now(days=1)
    for n in range(4):
        frozen(sandbox, base + dt.timedelta(minutes=n))
        connector.create("notes", [(str(n), {"content": f"<p>n{n}</p>", "person_id": "1"})])
    first = connector.read_changes("notes", None, limit=2)
    frozen(sandbox, base + dt.timedelta(hours=1))
    connector.update("notes", [(first.records[0].id, {"content": "<p>moved</p>"})])
    seen = {r.id for r in first.records}
    seen |= {r.id for r in drain(connector, "notes", first.cursor, limit=2)[0]}
    all_notes = {str(i) for i, n in sandbox.accounts["7201001"].data["notes"].items()
                 if n["active_flag"]}
    assert seen == all_notes


def test_a_stored_cursor_resumes_in_the_middle_of_a_pass(connector):
    first = connector.read_changes("organizations", None, limit=2)
    assert not first.done
    rest, _ = drain(connector, "organizations", first.cursor, limit=2)
    ids = [r.id for r in first.records + rest]
    assert sorted(ids, key=int) == [str(n) for n in range(1, 7)]


def test_an_unreadable_cursor_is_reported_not_guessed(connector):
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("persons", "%%%not-a-cursor")
    assert raised.value.category is ErrorCategory.UNKNOWN


def test_cursor_round_trip():
    state = ReadCursor(since="2026-01-01T00:00:00Z", page="abc", seen="2026-01-02T00:00:00Z")
    assert ReadCursor.decode(state.encode()) == state
    assert ReadCursor.decode(None) == ReadCursor()


# --- what the sandbox refuses, as Pipedrive v2 does ----------------------------------------

@pytest.mark.parametrize(("method", "path", "kwargs", "fragment"), [
    ("POST", "/api/v2/deals", {"json": {"title": "T", "value": "100"}}, "must be a number"),
    ("POST", "/api/v2/persons", {"json": {"name": "N", "nickname": "x"}}, "is not allowed"),
    ("POST", "/api/v2/activities", {"json": {"done": 1}}, "must be a boolean"),
    ("POST", "/api/v2/persons", {"json": {"name": "N", "custom_fields": ["x"]}},
     "'custom_fields' must be an object"),
    ("POST", "/api/v2/persons", {"json": {"name": "N", "org_id": [1]}}, "org_id"),
    ("GET", "/api/v2/persons", {"params": {"limit": "501"}}, "between 1 and 500"),
    ("GET", "/api/v2/persons", {"params": {"updated_since": "2024-01-01"}}, "RFC 3339"),
    ("GET", "/api/v2/persons", {"params": {"ids": ",".join(map(str, range(101)))}},
     "at most 100"),
    ("GET", "/api/v2/persons", {"params": {"cursor": "garbage"}}, "Invalid cursor"),
    ("POST", "/api/v1/webhooks", {"json": {"subscription_url": "https://x.example",
                                           "event_action": "*", "event_object": "*"}},
     "'name' is required"),
    ("GET", "/api/v1/recents", {"params": {"since_timestamp": "yesterday"}}, "since_timestamp"),
])
def test_the_sandbox_refuses_what_pipedrive_refuses(root, method, path, kwargs, fragment):
    token = connect(PipedriveConnector, root, NORTHWIND)
    reply = HttpClient(sleep=lambda s: None).session.request(
        method, root + path, headers={"Authorization": f"Bearer {token.access_token}"},
        timeout=10, **kwargs)
    assert reply.status_code == 400
    body = reply.json()
    assert body["success"] is False and fragment in body["error"]


def test_a_cursor_is_only_good_for_the_sort_it_came_from(root):
    token = connect(PipedriveConnector, root, NORTHWIND)
    session, headers = HttpClient().session, {"Authorization": f"Bearer {token.access_token}"}
    first = session.get(root + "/api/v2/persons", params={"limit": 2}, headers=headers,
                        timeout=10).json()
    cursor = first["additional_data"]["next_cursor"]
    reply = session.get(root + "/api/v2/persons", headers=headers, timeout=10,
                        params={"limit": 2, "cursor": cursor, "sort_by": "update_time"})
    assert reply.status_code == 400


# --- writes -----------------------------------------------------------------------------------

def test_a_rate_limit_mid_batch_keeps_what_was_written(sandbox, connector):
    connector.account_info()  # warm up: the batch below makes exactly its own calls
    sandbox.rate = (2, 600.0)
    try:
        outcomes = connector.create("organizations", [(str(n), {"name": f"Burst {n}"})
                                                      for n in range(4)])
    finally:
        sandbox.rate = None
    # Sent concurrently (Pipedrive has no batch endpoint): any two of the four get in.
    written = {f"Burst {n}" for n, o in enumerate(outcomes) if o.ok}
    assert len(written) == 2
    assert {o.error.category for o in outcomes if not o.ok} == {ErrorCategory.RATE_LIMITED}
    names = {r["name"] for r in sandbox.accounts["7201001"].data["organizations"].values()}
    assert written <= names
    assert not ({f"Burst {n}" for n in range(4)} - written) & names


def test_notes_take_a_parent_by_id_and_keep_html(connector):
    (outcome,) = connector.create("notes", [("r", {
        "content": "<p>Hello <b>there</b></p>", "deal_id": "1",
        "add_time": "2026-05-01T10:00:00Z"})])
    assert outcome.ok, outcome.error
    assert outcome.record.values["content"] == "<p>Hello <b>there</b></p>"
    assert outcome.record.values["add_time"] == "2026-05-01T10:00:00Z"
    assert outcome.record.values["deal_id"] == "1"


def test_activity_due_date_and_time_travel_as_one_timestamp(connector, sandbox):
    (outcome,) = connector.create("activities", [("r", {
        "subject": "Demo", "type": "meeting", "due_at": "2027-03-04T16:45:00Z"})])
    stored = sandbox.accounts["7201001"].data["activities"][int(outcome.record.id)]
    assert (stored["due_date"], stored["due_time"]) == ("2027-03-04", "16:45:00")
    assert outcome.record.values["due_at"] == "2027-03-04T16:45:00Z"
