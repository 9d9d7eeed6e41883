"""Zoho's codes, per item and per request, become the product's error categories."""

import pytest

from connectors.sdk import ErrorCategory as Cat
from connectors.zoho.client import item_error, read_error
from tests.connectors.zoho.kit import make_connector


@pytest.mark.parametrize(("code", "details", "category"), [
    ("DUPLICATE_DATA", {"api_name": "Email"}, Cat.DUPLICATE),
    ("MANDATORY_NOT_FOUND", {"api_name": "Last_Name"}, Cat.REQUIRED_MISSING),
    ("INVALID_DATA", {"api_name": "Email"}, Cat.INVALID_VALUE),
    ("INVALID_DATA", {"id": "77"}, Cat.NOT_FOUND),
    ("LIMIT_EXCEEDED", {"api_name": "Description"}, Cat.INVALID_VALUE),
    ("RECORD_LOCKED", {}, Cat.REJECTED),
    ("NO_PERMISSION", {}, Cat.PERMISSION_DENIED),
    ("SOMETHING_NEW", {}, Cat.REJECTED),
])
def test_each_item_code_has_its_category(code, details, category):
    error = item_error({"code": code, "details": details, "message": "m", "status": "error"})
    assert error.category is category
    assert error.vendor_message.startswith(code)
    assert error.field == details.get("api_name")


def test_a_success_has_no_error():
    assert item_error({"code": "SUCCESS", "details": {"id": "1"}, "message": "record added",
                       "status": "success"}) is None


@pytest.mark.parametrize(("status", "body", "category"), [
    (401, {"code": "INVALID_TOKEN", "details": {}, "message": "invalid oauth token",
           "status": "error"}, Cat.AUTH_EXPIRED),
    (401, {"code": "OAUTH_SCOPE_MISMATCH", "details": {}, "message": "m", "status": "error"},
     Cat.PERMISSION_DENIED),
    (429, {"code": "TOO_MANY_REQUESTS", "details": {}, "message": "m", "status": "error"},
     Cat.RATE_LIMITED),
    (400, {"data": [{"code": "MANDATORY_NOT_FOUND", "details": {"api_name": "Subject"},
                     "message": "required field not found", "status": "error"}]},
     Cat.REQUIRED_MISSING),
])
def test_a_whole_request_refusal_keeps_zohos_code(status, body, category):
    found, message = read_error(status, body)
    assert found is category and message


def test_a_batch_gets_one_outcome_per_record_in_order(root):
    connector = make_connector(root)
    items = [("a", {"Subject": "One"}), ("b", {"Due_Date": "2027-01-01"}),
             ("c", {"Subject": "Three", "Status": "Someday"})]
    one, two, three = connector.create("Tasks", items)
    assert one.ok and one.record.id
    assert (two.error.category, two.error.field) == (Cat.REQUIRED_MISSING, "Subject")
    assert (three.error.category, three.error.field) == (Cat.INVALID_VALUE, "Status")


def test_a_batch_where_every_record_fails_still_answers_each(root):
    connector = make_connector(root)
    outcomes = connector.create("Accounts", [("x", {"Website": "https://a.example"}),
                                             ("y", {"Employees": "many", "Account_Name": "Y"})])
    assert [o.error.category for o in outcomes] == [Cat.REQUIRED_MISSING, Cat.INVALID_VALUE]


def test_a_revoked_token_stops_the_write_for_every_record(root, sandbox):
    connector = make_connector(root)
    connector.fields("Leads")  # the custom fields are read once per connector
    sandbox.expire_access_tokens()
    sandbox.revoke_refresh_tokens()
    outcomes = connector.create("Leads", [("a", {"Last_Name": "A", "Company": "C"})] * 3)
    assert {o.error.category for o in outcomes} == {Cat.AUTH_EXPIRED}


def test_a_deal_created_without_a_stage_starts_at_the_first_one(root, sandbox):
    connector = make_connector(root)
    (outcome,) = connector.create("Deals", [("d", {"Deal_Name": "From the hub"})])
    assert outcome.ok, outcome.error
    stored = sandbox.accounts["7700001"].rows("Deals")[outcome.record.id]
    assert stored["Stage"] == "Qualification"
