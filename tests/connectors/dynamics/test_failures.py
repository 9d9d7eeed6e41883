"""Dynamics 365 when things go wrong: Dataverse's error bodies classified, bad
input from the app (HTML pages, broken JSON, missing links, wrong types), one bad
item in a batch, refused batches, 401 mid-run, missing privileges, faults."""

import json
import uuid

import pytest
import requests

from connectors.dynamics import DynamicsConnector, writes
from connectors.dynamics.client import error_reader
from connectors.dynamics.sandbox import create_sandbox
from connectors.sdk import ConnectorError, ErrorCategory, HttpClient
from tests.connectors.dynamics.test_behaviour import CONTOSO, drain, make_connector
from tests.kits.sandbox import sandbox_server

GUID = "5b9a3b1e-8f2c-4d6e-9a1b-0c2d3e4f5a6b"


# --- Dataverse's error bodies ------------------------------------------------------------

@pytest.mark.parametrize(("status", "body", "category", "message"), [
    (404, {"error": {"code": "0x80040217", "message": "contact With Id = 1 Does Not Exist"}},
     ErrorCategory.NOT_FOUND, "contact With Id = 1 Does Not Exist"),
    (400, {"error": {"code": "0x80048d19", "message": "Error identified in Payload"}},
     ErrorCategory.INVALID_VALUE, "Error identified in Payload"),
    (412, {"error": {"code": "0x80040237", "message": "Duplicate"}}, ErrorCategory.DUPLICATE,
     "Duplicate"),
    (403, {"error": {"code": "0x80040220", "message": "missing prvReadContact privilege"}},
     ErrorCategory.PERMISSION_DENIED, "missing prvReadContact privilege"),
    (429, {"error": {"code": "0x80072322", "message": "Number of requests exceeded"}},
     ErrorCategory.RATE_LIMITED, "Number of requests exceeded"),
    (412, {"error": {"code": "0x80060882", "message": "version doesn't match"}},
     ErrorCategory.CHANGED_SINCE_READ, "version doesn't match"),
    (400, {"error": {"code": "0x80044352", "message": "Please perform a full sync."}},
     ErrorCategory.REJECTED, "Please perform a full sync."),
    (400, {"error": {"code": "0x8004ffff", "message": "Something else"}}, None, "Something else"),
    (401, None, None, "The access token was not accepted."),
    (502, "<html><body><h1>Bad gateway</h1></body></html>", None, "Bad gateway"),
    (500, {"Message": "An error has occurred."}, None, "An error has occurred."),
])
def test_dataverse_error_bodies_are_classified(status, body, category, message):
    assert error_reader(status, body) == (category, message)


# --- bad input from the app (a scripted server) ------------------------------------------

class ScriptedSession(requests.Session):
    """Answers each request with the next scripted reply: (status, body, headers)."""

    def __init__(self, replies):
        super().__init__()
        self.replies, self.sent = list(replies), []

    def request(self, method, url, **kwargs):
        self.sent.append((method, url))
        status, body, headers = self.replies.pop(0)
        reply = requests.Response()
        reply.status_code, reply.url = status, url
        reply._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        reply.headers.update({"Content-Type": "application/json", **(headers or {})})
        return reply


def scripted(*replies):
    session = ScriptedSession([({"value": []} if r == "metadata" else r) for r in replies])
    session.replies = [(200, r, None) if isinstance(r, dict) else r for r in session.replies]
    http = HttpClient(session=session, sleep=lambda s: None, max_attempts=3)
    # A host of its own, so no table definitions are cached from another test.
    account = {"instance_url": f"https://{uuid.uuid4().hex[:10]}.crm.dynamics.com"}
    return DynamicsConnector(http, account=account), session


def page(rows, **links):
    return {"@odata.context": "https://x/api/data/v9.2/$metadata#contacts", "value": rows,
            **{f"@odata.{k}": f"https://x.crm.dynamics.com/api/data/v9.2/contacts?$select=contactid"
               f"&${'skiptoken' if k == 'nextLink' else 'deltatoken'}={v}"
               for k, v in links.items()}}


HTML = (200, b"<html><body>Maintenance</body></html>", {"Content-Type": "text/html"})


def test_a_reply_that_is_not_json_fails_the_page_but_keeps_the_pages_before(monkeypatch):
    connector, _ = scripted("metadata", page([{"contactid": GUID}], nextLink="2"),
                            HTML, HTML, HTML)
    first = connector.read_changes("contacts", None)
    assert [r.id for r in first.records] == [GUID] and not first.done
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("contacts", first.cursor)
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE
    assert "Maintenance" in raised.value.vendor_message
    assert first.cursor.startswith("contacts?")  # still there to resume from


def test_an_html_error_page_is_classified_with_its_text():
    error_page = (503, b"<html><h1>Service Unavailable</h1></html>", {"Content-Type": "text/html"})
    connector, session = scripted("metadata", error_page, error_page, error_page)
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("contacts", None)
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE
    assert raised.value.vendor_message == "Service Unavailable"
    assert len(session.sent) == 4  # the metadata read, then three tries


def test_a_list_reply_without_a_list_is_refused():
    connector, _ = scripted("metadata", {"@odata.context": "x", "values": []})
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("contacts", None)
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE


def test_a_tracked_read_that_ends_without_a_delta_link_is_refused():
    connector, _ = scripted("metadata", page([{"contactid": GUID}]))
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("contacts", None)
    assert "delta link" in raised.value.message


def test_rows_with_missing_ids_or_values_of_the_wrong_type():
    rows = ["junk", {"contactid": "not-a-guid"}, {"firstname": "No id"},
            {"contactid": GUID.upper(), "firstname": 5, "birthdate": "garbage",
             "donotemail": "yes", "preferredcontactmethodcode": True, "modifiedon": "never"}]
    connector, _ = scripted("metadata", page(rows, deltaLink="1"))
    (record,) = connector.read_changes("contacts", None).records
    assert record.id == GUID
    assert record.values["firstname"] == "5"
    assert record.values["birthdate"] is None
    assert record.values["donotemail"] is None
    assert record.values["preferredcontactmethodcode"] is None
    assert record.modified_at is None


def test_a_server_repeating_a_page_link_is_stopped():
    looping = page([{"contactid": GUID}], nextLink="same")
    connector, _ = scripted("metadata", looping, looping, looping)
    with pytest.raises(ConnectorError) as raised:
        connector.read_by_ids("contacts", [GUID])
    assert "repeated" in raised.value.message


def test_a_batch_reply_missing_parts_sends_the_rest_one_by_one():
    boundary = "batchresponse_1"
    one_part = (f"--{boundary}\r\nContent-Type: application/http\r\n"
                "Content-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 204 No Content\r\n"
                f"OData-EntityId: https://x/api/data/v9.2/contacts({GUID})\r\n\r\n\r\n"
                f"--{boundary}--\r\n")
    reply = (200, one_part.encode(), {"Content-Type": f"multipart/mixed; boundary={boundary}"})
    single = (201, {"@odata.context": "x/$entity", "@odata.etag": 'W/"1"',
                    "contactid": "6b9a3b1e-8f2c-4d6e-9a1b-0c2d3e4f5a6b"}, None)
    connector, session = scripted("metadata", reply, single)
    outcomes = connector.create("contacts", [("a", {"lastname": "A"}), ("b", {"lastname": "B"})])
    assert [o.ok for o in outcomes] == [True, True]
    assert outcomes[0].record.id == GUID
    assert session.sent[-1][0] == "POST" and "/contacts?" in session.sent[-1][1]


# --- against the sandbox -----------------------------------------------------------------

@pytest.fixture(scope="module")
def sandbox():
    return create_sandbox()


@pytest.fixture(scope="module")
def root(sandbox):
    with sandbox_server(sandbox) as url:
        yield url


def test_a_missing_privilege_is_permission_denied(sandbox, root):
    connector, _ = make_connector(root, CONTOSO)
    env = sandbox.environment("contoso")
    env.denied = {"prvReadContact"}
    try:
        with pytest.raises(ConnectorError) as raised:
            connector.read_changes("contacts", None)
    finally:
        env.denied = set()
    assert raised.value.category is ErrorCategory.PERMISSION_DENIED
    assert "prvReadContact" in raised.value.vendor_message


def test_a_401_mid_run_refreshes_once_and_the_read_goes_on(sandbox, root):
    connector, store = make_connector(root, CONTOSO)
    first = connector.read_changes("contacts", None, limit=2)
    sandbox.expire_access_tokens()
    rest, _ = drain(connector, "contacts", first.cursor, limit=2)
    assert rest and store.saves == 1


def test_a_rate_limit_between_batches_keeps_the_rows_already_written(sandbox, root,
                                                                    monkeypatch):
    """The rows of the first $batch keep their ids, so the next run does not create
    them again; the row never sent carries the rate limit, and the run stops on it."""
    connector, _ = make_connector(root, CONTOSO)
    connector.fields("contacts")  # metadata first, as a run does
    monkeypatch.setattr(writes, "BATCH_SIZE", 2)
    sandbox.rate = (1, 600.0)  # the first $batch goes; the second meets a long 429
    try:
        first, second, third = connector.create(
            "contacts", [(ref, {"lastname": f"Batch {ref}"}) for ref in "abc"])
    finally:
        sandbox.rate = None
    assert first.ok and second.ok and first.record.id != second.record.id
    assert third.error.category is ErrorCategory.RATE_LIMITED and third.error.connection_wide


def test_one_bad_item_in_a_batch_does_not_fail_the_others(root):
    connector, _ = make_connector(root, CONTOSO)
    made = connector.create("products", [("a", {"name": "Batch A", "productnumber": "B-DUP"})])
    assert made[0].ok
    gone = connector.create("contacts", [("g", {"lastname": "Gone"})])[0].record.id
    connector.delete("contacts", [gone])
    outcomes = connector.create("products", [
        ("dup", {"name": "Batch B", "productnumber": "b-dup"}),
        ("good", {"name": "Batch C", "productnumber": "B-OK"}),
        ("typo", {"name": "Batch D", "pricee": "1"}),
    ])
    assert [o.ref for o in outcomes] == ["dup", "good", "typo"]
    assert outcomes[0].error.category is ErrorCategory.DUPLICATE
    assert outcomes[1].ok
    assert outcomes[2].error.category is ErrorCategory.INVALID_VALUE
    assert "pricee" in outcomes[2].error.vendor_message
    updates = connector.update("contacts", [(gone, {"lastname": "Back"}), ("nope", {})])
    assert [o.error.category for o in updates] == [ErrorCategory.NOT_FOUND] * 2
    assert connector.read_by_ids("contacts", [gone]) == []  # no upsert brought it back
    assert connector.delete("contacts", [gone])[0].ok  # already gone is as asked


def test_a_read_only_column_is_refused_without_asking(sandbox, root):
    connector, _ = make_connector(root, CONTOSO)
    connector.fields("invoices")
    sandbox.calls.clear()
    (outcome,) = connector.create("invoices", [("r", {"name": "X", "totalamount": "10"})])
    assert outcome.error.category is ErrorCategory.READ_ONLY
    assert outcome.error.field == "totalamount"
    assert not sandbox.calls


def test_a_batch_refused_as_a_whole_is_sent_one_request_at_a_time(sandbox, root, monkeypatch):
    connector, _ = make_connector(root, CONTOSO)
    monkeypatch.setattr(sandbox, "_batch", lambda request, env: sandbox.error(
        400, "The batch is malformed.", code="0x80048d19"))
    outcomes = connector.create("leads", [("good", {"lastname": "Solo"}),
                                          ("bad", {"lastname": "x" * 51})])
    assert outcomes[0].ok
    assert outcomes[1].error.category is ErrorCategory.INVALID_VALUE
    assert "maximum allowed length" in outcomes[1].error.vendor_message


def test_server_errors_are_retried_and_nothing_is_lost(sandbox, root):
    connector, _ = make_connector(root, CONTOSO)
    clean, _ = drain(connector, "contacts", limit=3)
    sandbox.faults.ratio, sandbox.faults.statuses = 0.4, (500, 503)
    try:
        noisy, _ = drain(connector, "contacts", limit=3)
    finally:
        sandbox.faults.ratio = 0.0
    assert sorted(r.id for r in noisy) == sorted(r.id for r in clean)


def test_a_timeout_is_app_unavailable(sandbox, root):
    connector, _ = make_connector(root, CONTOSO)
    connector.fields("contacts")
    connector.http.timeout = (2.0, 0.2)
    connector.http.max_attempts = 2
    sandbox.faults.ratio, sandbox.faults.statuses, sandbox.faults.delay_s = 1.0, (0,), 0.5
    try:
        with pytest.raises(ConnectorError) as raised:
            connector.read_changes("contacts", None)
    finally:
        sandbox.faults.ratio, sandbox.faults.delay_s = 0.0, 0.0
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE
    assert raised.value.transient


def test_a_412_to_a_conditional_update_is_changed_since_read_whatever_its_code():
    """Microsoft's own example of the 412 carries an empty code: the ETag we sent is
    what says the row changed since it was read."""
    boundary = "batchresponse_412"
    body = json.dumps({"error": {"code": "", "message": "The version of the existing record "
                                 "doesn't match the RowVersion property provided."}})
    part = (f"--{boundary}\r\nContent-Type: application/http\r\n"
            "Content-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 412 Precondition Failed\r\n"
            "Content-Type: application/json; odata.metadata=minimal\r\n\r\n"
            f"{body}\r\n--{boundary}--\r\n")
    reply = (200, part.encode(), {"Content-Type": f"multipart/mixed; boundary={boundary}"})
    connector, _session = scripted("metadata", reply)
    (outcome,) = connector.update("contacts", [(GUID, {"lastname": "A"})],
                                  versions={GUID: 'W/"41"'})
    assert outcome.error.category is ErrorCategory.CHANGED_SINCE_READ
    assert "RowVersion" in outcome.error.vendor_message
