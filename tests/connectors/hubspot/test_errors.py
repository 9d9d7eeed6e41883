"""HubSpot's errors classified once, and bad input from the app handled without losses."""

import json
import time

import pytest
import requests

from connectors.hubspot.client import rate_limit_wait, read_error
from connectors.hubspot.connector import HubSpotConnector
from connectors.sdk import ConnectorError
from connectors.sdk import ErrorCategory as Cat
from connectors.sdk.sandbox import Response
from tests.connectors.hubspot.test_conformance import VALUES, make_connector, running_sandbox

ACME_ID = "4410001"


def _property_error(code: str, name: str) -> dict:
    inner = [{"isValid": False, "message": f"{name} is bad", "error": code, "name": name}]
    return {"status": "error", "category": "VALIDATION_ERROR", "correlationId": "c",
            "message": "Property values were not valid: " + json.dumps(inner)}


@pytest.mark.parametrize(("status", "body", "category"), [
    (400, _property_error("INVALID_OPTION", "dealstage"), Cat.INVALID_VALUE),
    (400, _property_error("MISSING_REQUIRED_PROPERTY", "hs_timestamp"), Cat.REQUIRED_MISSING),
    (400, _property_error("READ_ONLY_VALUE", "hs_email_optout"), Cat.READ_ONLY),
    (409, {"status": "error", "message": "Contact already exists. Existing ID: 1",
           "category": "CONFLICT"}, Cat.DUPLICATE),
    (404, {"status": "error", "message": "Object not found", "category": "OBJECT_NOT_FOUND"},
     Cat.NOT_FOUND),
    (403, {"status": "error", "message": "scopes", "category": "MISSING_SCOPES"},
     Cat.PERMISSION_DENIED),
    (401, {"status": "error", "message": "expired", "category": "EXPIRED_AUTHENTICATION"},
     Cat.AUTH_EXPIRED),
    (429, {"status": "error", "message": "limit", "errorType": "RATE_LIMIT",
           "policyName": "TEN_SECONDLY_ROLLING"}, Cat.RATE_LIMITED),
    (502, "<html><body>Bad gateway</body></html>", None),
    (400, {"unexpected": True}, None),
])
def test_hubspot_error_bodies_are_classified(status, body, category):
    found, message = read_error(status, body)
    assert found is category
    assert isinstance(message, str)


def test_property_errors_keep_hubspot_words_and_name_the_property():
    _category, message = read_error(400, _property_error("INVALID_OPTION", "dealstage"))
    assert message == "dealstage is bad (property: dealstage)"


class _Reply:
    def __init__(self, body: dict, headers: dict | None = None):
        self.body, self.headers = body, headers or {}

    def json(self):
        return self.body


@pytest.mark.parametrize(("body", "headers", "seconds"), [
    ({"policyName": "SECONDLY"}, {}, 1),
    ({"policyName": "DAILY"}, {}, 3600),
    ({"policyName": "TEN_SECONDLY_ROLLING"}, {"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"},
     10),
    ({"policyName": "TEN_SECONDLY_ROLLING"}, {}, 10),
    ({}, {"x-hubspot-ratelimit-interval-milliseconds": "2500"}, 3),
])
def test_a_429_without_retry_after_waits_by_its_policy(body, headers, seconds):
    assert rate_limit_wait(_Reply(body, headers)) == seconds


# --- against the sandbox ---------------------------------------------------------------


@pytest.fixture
def stack():
    with running_sandbox() as (sandbox, root):
        yield sandbox, root


@pytest.fixture
def connector(stack):
    return make_connector(stack[1])[0]


def answer_once(sandbox, path_part: str, response: Response) -> None:
    """The next call whose path contains `path_part` gets `response` instead."""
    real, used = sandbox.handle, []

    def handle(request):
        if path_part in request.path and not used:
            used.append(request.path)
            return response
        return real(request)

    sandbox.handle = handle


def test_a_duplicate_email_in_other_letter_case_fails_only_its_item(stack, connector):
    made = connector.create("contacts", [
        ("new", VALUES["contacts"][0](1)),
        ("dup", {"email": "deanna.floyd@rothcollins.co", "firstname": "Deanna"}),
    ])
    assert made[0].ok
    assert made[1].error.category is Cat.DUPLICATE
    assert "Contact already exists" in made[1].error.vendor_message


def test_a_read_only_or_missing_required_property_names_the_field(connector):
    optout, undated = (connector.create("contacts", [("o", {"hs_email_optout": "true"})])[0],
                       connector.create("notes", [("n", {"hs_note_body": "x"})])[0])
    assert (optout.error.category, optout.error.field) == (Cat.READ_ONLY, "hs_email_optout")
    assert (undated.error.category, undated.error.field) == (Cat.REQUIRED_MISSING, "hs_timestamp")


def test_one_bad_item_in_the_middle_is_isolated(connector):
    items = [("a", VALUES["deals"][0](1)), ("b", VALUES["deals"][2]),
             ("c", VALUES["deals"][0](3))]
    outcomes = connector.create("deals", items)
    assert [o.ref for o in outcomes] == ["a", "b", "c"]
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error.category is Cat.INVALID_VALUE
    assert "nowhere" in outcomes[1].error.vendor_message


def test_updating_a_vanished_record_fails_only_that_record(stack, connector):
    sandbox, _root = stack
    deal = sandbox.accounts[ACME_ID].records("deals")[0]["id"]
    gone = connector.create("deals", [("g", VALUES["deals"][0](9))])[0].record.id
    connector.delete("deals", [gone])
    kept, vanished = connector.update("deals", [(deal, {"amount": "1"}), (gone, {"amount": "2"})])
    assert kept.ok and kept.record.values["amount"] == "1"
    assert vanished.error.category is Cat.NOT_FOUND


def test_deleting_what_is_already_gone_is_fine(connector):
    assert all(o.ok for o in connector.delete("tasks", ["999999", "abc"]))


def test_a_connection_wide_failure_mid_batch_keeps_what_was_written(stack, connector):
    sandbox, _root = stack
    connector.fields("products")  # metadata first, as a run does
    items = [("good", VALUES["products"][0](1)), ("bad", VALUES["products"][2]),
             ("later", VALUES["products"][0](2))]
    sandbox.rate = (3, 600.0)  # the batch, then the single retries: the third is refused
    try:
        good, bad, later = connector.create("products", items)
    finally:
        sandbox.rate = None
    assert good.ok and good.record.id
    assert bad.error.category is Cat.INVALID_VALUE
    assert later.error.category is Cat.RATE_LIMITED and later.error.connection_wide


def test_a_missing_scope_is_permission_denied(stack):
    _sandbox, root = stack
    connector, _store = make_connector(root, scopes=["oauth", "crm.objects.contacts.read"])
    assert connector.read_changes("contacts", None).records
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("tickets", None)
    assert raised.value.category is Cat.PERMISSION_DENIED
    assert "scopes" in raised.value.vendor_message


def test_property_definitions_refused_leave_the_static_fields(connector, monkeypatch):
    def refuse(object_name):
        raise ConnectorError(Cat.PERMISSION_DENIED, "no", vendor_message="missing scope")

    monkeypatch.setattr(connector.crm, "properties", refuse)
    assert {f.name for f in connector.fields("deals")} == {
        f.name for f in HubSpotConnector.spec.object("deals").fields}


def test_the_search_limit_is_waited_out(stack):
    sandbox, root = stack
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        time.sleep(seconds)

    connector, _store = make_connector(root, sleep=sleep)
    cursor = connector.read_changes("emails", None).cursor
    sandbox.search_rate = (1, 1.0)
    connector.read_changes("emails", cursor)
    connector.read_changes("emails", cursor)
    assert waits == [1]  # policyName SECONDLY: one second


def test_a_401_mid_run_refreshes_and_the_drain_goes_on(stack, connector):
    sandbox, _root = stack
    first = connector.read_changes("contacts", None, limit=3)
    sandbox.expire_access_tokens()
    second = connector.read_changes("contacts", first.cursor, limit=3)
    assert second.records and {r.id for r in first.records}.isdisjoint(
        {r.id for r in second.records})


def test_malformed_json_is_app_unavailable_and_the_cursor_stays(stack, connector):
    sandbox, _root = stack
    answer_once(sandbox, "/crm/v3/objects/companies", Response(200, b"{not json",
                                                               {"Content-Type": "text/plain"}))
    connector.fields("companies")
    connector.http.max_attempts = 1
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("companies", None)
    assert raised.value.category is Cat.APP_UNAVAILABLE
    assert connector.read_changes("companies", None).records  # nothing was lost


def test_an_html_error_page_is_retried_then_reported(stack, connector):
    sandbox, _root = stack
    connector.fields("companies")
    page = Response(502, b"<html><h1>502 Bad Gateway</h1></html>", {"Content-Type": "text/html"})
    answer_once(sandbox, "/crm/v3/objects/companies", page)
    assert connector.read_changes("companies", None).records  # the retry got through
    sandbox.faults.ratio, sandbox.faults.statuses = 1.0, (503,)
    try:
        with pytest.raises(ConnectorError) as raised:
            connector.read_changes("companies", None)
    finally:
        sandbox.faults.ratio = 0.0
    assert raised.value.category is Cat.APP_UNAVAILABLE


def test_wrong_shapes_from_the_app_are_kept_or_refused(stack, connector):
    sandbox, _root = stack
    connector.fields("contacts")
    odd = {"results": [{"properties": {"email": "no id"}},
                       {"id": 5, "properties": {"email": 7, "firstname": ["a"]},
                        "updatedAt": "garbage"}]}
    answer_once(sandbox, "/crm/v3/objects/contacts", Response.json(odd))
    (record,) = connector.read_changes("contacts", None).records
    assert (record.id, record.values["email"], record.values["firstname"]) == (
        "5", "7", '["a"]')
    assert record.modified_at is None
    answer_once(sandbox, "/crm/v3/objects/contacts", Response.json({"results": "oops"}))
    with pytest.raises(ConnectorError) as raised:
        connector.read_changes("contacts", None)
    assert raised.value.category is Cat.APP_UNAVAILABLE


def test_the_sandbox_answers_429_without_retry_after(stack, connector):
    sandbox, root = stack
    token = connector.http.auth.headers()["Authorization"]
    sandbox.rate = (1, 10.0)
    try:
        for _ in range(2):
            reply = requests.get(f"{root}/crm/v3/objects/contacts",
                                 headers={"Authorization": token}, timeout=5)
    finally:
        sandbox.rate = None
    assert reply.status_code == 429 and "Retry-After" not in reply.headers
    assert reply.json()["policyName"] == "TEN_SECONDLY_ROLLING"
    assert reply.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
