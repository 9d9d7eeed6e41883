"""The sandbox refuses what BEHAVIOR.md does not list, in Zoho's error shape."""

import pytest

from connectors.zoho import ZohoConnector
from tests.connectors.zoho.kit import US, raw
from tests.kits.sandbox import connect

FIELDS = {"fields": "Last_Name,Email"}


@pytest.fixture
def token(root):
    return connect(ZohoConnector, root, US).access_token


def _zoho_error(reply, status: int, code: str) -> dict:
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert set(body) == {"code", "details", "message", "status"}
    assert (body["code"], body["status"]) == (code, "error")
    return body


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "code"), [
    ("GET", "/crm/v8/Contacts", {"params": {**FIELDS, "approved": "true"}}, 400,
     "INVALID_REQUEST"),
    ("GET", "/crm/v8/Contacts", {}, 400, "REQUIRED_PARAM_MISSING"),
    ("GET", "/crm/v8/Contacts", {"params": {"fields": "No_Such_Field"}}, 400, "INVALID_DATA"),
    ("GET", "/crm/v8/Contacts", {"params": {**FIELDS, "page": "11"}}, 400,
     "DISCRETE_PAGINATION_LIMIT_EXCEEDED"),
    ("GET", "/crm/v8/Contacts", {"params": {**FIELDS, "per_page": "201"}}, 400,
     "INVALID_DATA"),
    ("GET", "/crm/v8/Invoices", {"params": FIELDS}, 400, "INVALID_MODULE"),
    ("GET", "/crm/v8/Contacts/search", {"params": {"email": "a@b.example"}}, 404,
     "INVALID_URL_PATTERN"),
    ("GET", "/crm/v2/Contacts", {"params": FIELDS}, 404, "INVALID_URL_PATTERN"),
    ("POST", "/crm/v8/Contacts", {"json": {"data": [{"Last_Name": "X"}], "duplicate_check_"
                                           "fields": ["Email"]}}, 400, "INVALID_REQUEST"),
    ("POST", "/crm/v8/Contacts", {"json": {"data": [{"Last_Name": "X"}] * 101}}, 400,
     "LIMIT_EXCEEDED"),
    ("GET", "/crm/v8/settings/fields", {"params": {"module": "Contacts", "include": "x"}},
     400, "INVALID_REQUEST"),
    ("GET", "/crm/v8/Contacts/deleted", {"params": {"type": "all", "sort_by": "id"}}, 400,
     "INVALID_REQUEST"),
])
def test_unknown_parameters_paths_and_keys_are_refused(root, token, method, path, kwargs,
                                                         status, code):
    _zoho_error(raw(root, method, path, token, **kwargs), status, code)


def test_a_bearer_header_is_not_zohos_and_is_refused(root, token):
    reply = raw(root, "GET", "/crm/v8/Contacts", "", params=FIELDS,
                headers={"Authorization": f"Bearer {token}"})
    _zoho_error(reply, 401, "INVALID_TOKEN")


def test_an_unknown_field_in_a_record_fails_that_record_alone(root, token):
    reply = raw(root, "POST", "/crm/v8/Contacts", token, json={"data": [
        {"Last_Name": "Fine"}, {"Last_Name": "Odd", "Shoe_Size": "44"}]})
    assert reply.status_code == 207
    fine, odd = reply.json()["data"]
    assert (fine["status"], fine["code"]) == ("success", "SUCCESS")
    assert (odd["code"], odd["details"]["api_name"]) == ("INVALID_DATA", "Shoe_Size")


def test_paging_beyond_2000_records_takes_the_next_page_token(root, token, sandbox):
    org = sandbox.accounts["7700001"]
    with sandbox.lock:
        for n in range(2100):
            org.add("Leads", {"Last_Name": f"Bulk {n}", "Company": "Bulk"}, sandbox.now())
    params = {**FIELDS, "fields": "Last_Name", "per_page": "200", "page": "10"}
    tenth = raw(root, "GET", "/crm/v8/Leads", token, params=params).json()["info"]
    assert tenth["more_records"] and tenth["next_page_token"]
    eleventh = raw(root, "GET", "/crm/v8/Leads", token, params={
        "fields": "Last_Name", "per_page": "200", "page_token": tenth["next_page_token"]})
    assert eleventh.status_code == 200 and eleventh.json()["info"]["page"] == 11


def test_nothing_modified_since_is_304_and_an_empty_list_204(root, token):
    later = {"If-Modified-Since": "2099-01-01T00:00:00+00:00"}
    assert raw(root, "GET", "/crm/v8/Tasks", token, params=FIELDS | {"fields": "Subject"},
               headers=later).status_code == 304
    assert raw(root, "GET", "/crm/v8/Tasks/deleted", token,
               params={"type": "all"}).status_code == 204

