"""The sandbox refuses what it does not implement, in Salesforce's error shape
(`[{"message", "errorCode"}]`), instead of answering something a connector could
mistake for the real API's behaviour."""

import pytest
import requests

from connectors.salesforce import SalesforceConnector
from tests.kits.sandbox import connect, oauth_client

API = "/services/data/v62.0"


@pytest.fixture
def call(root):
    token = connect(SalesforceConnector, root, "admin@globex.example").access_token

    def send(method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, root + path, timeout=10,
                                headers={"Authorization": f"Bearer {token}"}, **kwargs)

    return send


def _code(response: requests.Response) -> str:
    body = response.json()
    assert isinstance(body, list) and set(body[0]) >= {"message", "errorCode"}, body
    return body[0]["errorCode"]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "code"), [
    ("GET", f"{API}/query", {"params": {"q": "SELECT Id FROM Contact", "limit": "5"}},
     400, "INVALID_QUERY_PARAMETER"),
    ("GET", f"{API}/query", {"params": {"q": "SELECT Id FROM Contact OFFSET 5"}},
     400, "MALFORMED_QUERY"),
    ("GET", f"{API}/query", {"params": {"q": "SELECT Id FROM Contact WHERE "
                                             "CreatedDate = LAST_N_DAYS:3"}},
     400, "MALFORMED_QUERY"),
    ("GET", f"{API}/query/01gRO0000000000099-2000", {}, 400, "INVALID_QUERY_LOCATOR"),
    ("GET", f"{API}/sobjects/Contact/describe", {"params": {"fields": "Id"}},
     400, "INVALID_QUERY_PARAMETER"),
    ("GET", f"{API}/sobjects/Contact/deleted/", {"params": {"start": "2026-01-01T00:00:00Z"}},
     400, "MISSING_ARGUMENT"),
    ("GET", f"{API}/sobjects/Contact/deleted/",
     {"params": {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z", "x": "1"}},
     400, "INVALID_QUERY_PARAMETER"),
    ("GET", f"{API}/sobjects/Widget__c/describe", {}, 404, "NOT_FOUND"),
    ("GET", "/services/data/v99.0/sobjects/Contact/describe", {}, 404, "NOT_FOUND"),
    ("GET", f"{API}/limits", {}, 404, "NOT_FOUND"),
    ("PUT", f"{API}/sobjects/Contact/003RO0000000001AAA", {"json": {}}, 404, "NOT_FOUND"),
    ("POST", f"{API}/sobjects/Contact", {"json": {"LastName": "X", "Nickname": "Y"}},
     400, "INVALID_FIELD"),
    ("POST", f"{API}/sobjects/Account", {"json": {"Name": "X", "NumberOfEmployees": "many"}},
     400, "JSON_PARSER_ERROR"),
    ("POST", f"{API}/composite/sobjects", {"json": {"records": [], "batchSize": 5}},
     400, "JSON_PARSER_ERROR"),
    ("POST", f"{API}/composite/sobjects",
     {"json": {"records": [{"attributes": {"type": "Contact"}, "LastName": "x"}] * 201}},
     400, "EXCEEDED_ID_LIMIT"),
    ("POST", f"{API}/composite/sobjects", {"json": {"records": [{"LastName": "untyped"}]}},
     400, "INVALID_TYPE"),
    ("GET", f"{API}/composite/sobjects/Contact", {"params": {"ids": "003RO0000000001AAA"}},
     400, "MISSING_ARGUMENT"),
])
def test_what_the_sandbox_does_not_implement_is_refused(call, method, path, kwargs, status,
                                                         code):
    response = call(method, path, **kwargs)
    assert response.status_code == status, response.text
    assert _code(response) == code


def test_a_request_without_a_valid_session_is_refused_as_salesforce_does(root):
    response = requests.get(f"{root}{API}/query", params={"q": "SELECT Id FROM Contact"},
                            headers={"Authorization": "Bearer nope"}, timeout=10)
    assert response.status_code == 401
    assert response.json() == [{"message": "Session expired or invalid",
                                "errorCode": "INVALID_SESSION_ID"}]


def test_the_token_reply_names_the_instance_and_refresh_does_not_rotate(root, sandbox):
    client = oauth_client(SalesforceConnector, root)
    token = connect(SalesforceConnector, root, "admin@globex.example")
    assert token.extra["instance_url"] == root
    assert token.extra["id"].endswith("/00DRO0000000001AAA/005RO0000000001AAA")
    assert token.expires_at is None  # Salesforce sends no expires_in
    refreshed = client.refresh(token)
    assert refreshed.refresh_token == token.refresh_token
    assert client.refresh(refreshed).access_token != refreshed.access_token
