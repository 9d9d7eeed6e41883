"""The Dynamics sandbox as a client written from Microsoft's documentation meets it
(issue 19): the service document, table definitions, $batch parts addressed every
documented way, the client credentials grant; and whatever the sandbox does not
implement is refused in Dataverse's error shape, never ignored."""

import json

import pytest
import requests

from connectors.dynamics.sandbox.metadata import tenant_id
from connectors.sdk.sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from tests.connectors.dynamics.kit import HEADERS


def dataverse_error(reply) -> tuple[int, str, str]:
    """(status, code, message) of a refusal, which must be in Dataverse's shape."""
    body = reply.json()
    assert set(body) == {"error"} and body["error"]["code"].startswith("0x"), body
    return reply.status_code, body["error"]["code"], body["error"]["message"]


def test_the_web_api_root_lists_the_entity_sets(api):
    base, headers = api
    reply = requests.get(f"{base}/", headers=headers, timeout=10)
    document = reply.json()
    assert document["@odata.context"] == f"{base}/$metadata"
    sets = {entry["name"]: entry for entry in document["value"]}
    assert sets["accounts"] == {"name": "accounts", "kind": "EntitySet", "url": "accounts"}
    assert {"contacts", "opportunities", "incidents", "EntityDefinitions"} <= set(sets)


def test_entity_definitions_list_every_table_with_the_columns_asked_for(api):
    base, headers = api
    reply = requests.get(f"{base}/EntityDefinitions?$select=LogicalName,EntitySetName"
                         "&$filter=IsActivity eq true", headers=headers, timeout=10)
    rows = reply.json()["value"]
    assert {(r["LogicalName"], r["EntitySetName"]) for r in rows} == {
        ("phonecall", "phonecalls"), ("email", "emails"), ("task", "tasks"),
        ("appointment", "appointments")}
    assert all(set(r) == {"MetadataId", "LogicalName", "EntitySetName"} for r in rows)


def test_one_entity_definition_by_logical_name_with_its_attributes(api):
    base, headers = api
    reply = requests.get(f"{base}/EntityDefinitions(LogicalName='contact')"
                         "?$select=PrimaryIdAttribute,PrimaryNameAttribute,ObjectTypeCode"
                         "&$expand=Attributes($select=LogicalName,IsCustomAttribute)",
                         headers=headers, timeout=10)
    contact = reply.json()
    assert contact["@odata.context"].endswith("/$entity")
    assert (contact["PrimaryIdAttribute"], contact["PrimaryNameAttribute"],
            contact["ObjectTypeCode"]) == ("contactid", "fullname", 2)
    custom = {a["LogicalName"] for a in contact["Attributes"] if a["IsCustomAttribute"]}
    assert {"new_loyaltytier", "cr123_preferredchannel"} <= custom
    missing = requests.get(f"{base}/EntityDefinitions(LogicalName='persona')", headers=headers,
                           timeout=10)
    assert dataverse_error(missing)[:2] == (404, "0x80040217")


def test_batch_parts_may_be_absolute_host_relative_or_relative(api):
    """The three ways Microsoft's batch examples address a part."""
    base, headers = api
    host_relative = base[base.index("/contoso/") + len("/contoso"):]
    subjects = {"absolute": f"{base}/tasks", "host-relative": f"{host_relative}/tasks",
                "relative": "tasks"}
    parts = [f"--b\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
             f"\r\nPOST {url} HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"
             f"{json.dumps({'subject': f'Batch {how}'})}" for how, url in subjects.items()]
    reply = requests.post(f"{base}/$batch", data="\r\n".join(parts) + "\r\n--b--\r\n",
                          timeout=10, headers={**headers,
                                               "Content-Type": "multipart/mixed; boundary=b"})
    assert reply.text.count("HTTP/1.1 204") == 3, reply.text
    made = requests.get(f"{base}/tasks?$select=subject&$filter=startswith(subject,'Batch ')",
                        headers=headers, timeout=10).json()["value"]
    assert sorted(r["subject"] for r in made) == [
        "Batch absolute", "Batch host-relative", "Batch relative"]


def _client_token(root, sandbox, **overrides):
    tenant = tenant_id(sandbox.environment("contoso"))
    form = {"client_id": SANDBOX_CLIENT_ID, "client_secret": SANDBOX_CLIENT_SECRET,
            "scope": f"{root}/contoso/.default", "grant_type": "client_credentials",
            **overrides}
    return requests.post(f"{root}/{tenant}/oauth2/v2.0/token", data=form, timeout=10)


def test_a_service_gets_a_token_for_one_environment_with_client_credentials(root, sandbox):
    reply = _client_token(root, sandbox)
    token = reply.json()
    assert set(token) == {"token_type", "expires_in", "ext_expires_in", "access_token"}
    assert token["token_type"] == "Bearer" and token["expires_in"] > 0
    bearer = {**HEADERS, "Authorization": f"Bearer {token['access_token']}"}
    who = requests.get(f"{root}/contoso/api/data/v9.2/WhoAmI", headers=bearer, timeout=10)
    assert who.json()["OrganizationId"] == sandbox.environment("contoso").id
    other = requests.get(f"{root}/fabrikam/api/data/v9.2/WhoAmI", headers=bearer, timeout=10)
    assert other.status_code == 403


def test_a_wrong_client_secret_is_refused_as_the_identity_platform_does(root, sandbox):
    reply = _client_token(root, sandbox, client_secret="the secret's id, not its value")
    body = reply.json()
    assert reply.status_code == 401 and body["error"] == "invalid_client"
    assert body["error_description"].startswith("AADSTS7000215: Invalid client secret")
    assert body["error_codes"] == [7000215] and body["trace_id"] and body["correlation_id"]
    no_default = _client_token(root, sandbox, scope=f"{root}/contoso/user_impersonation")
    assert no_default.json()["error"] == "invalid_scope"


@pytest.mark.parametrize(("ask", "status", "names"), [
    ("GET contacts?$apply=groupby((firstname))", 400, "$apply"),
    ("GET contacts?$orderby=lastname", 400, "$orderby"),
    ("GET contacts?$frobnicate=1", 400, "$frobnicate"),
    ("GET contacts?$select=fullname&$select=firstname", 400, "$select"),
    ("GET contacts?$top=many", 400, "$top"),
    ("POST contacts {\"lastname\": \"Ng\", \"nickname\": \"N\"}", 400, "nickname"),
    ("POST contacts {\"lastname\": \"Ng\", \"@odata.nonsense\": 1}", 400, "@odata.nonsense"),
    ("GET contacts(8d1f3a52-0c57-4c53-9a0e-5a1f0d1c2b3a)/fullname", 404,
     "Resource not found for the segment 'fullname'"),
    ("PUT contacts(8d1f3a52-0c57-4c53-9a0e-5a1f0d1c2b3a)/lastname {\"value\": \"Ng\"}", 404,
     "Resource not found for the segment 'lastname'"),
    ("GET EntityDefinitions?$select=LogicalName,Wingspan", 400, "Wingspan"),
])
def test_what_the_sandbox_does_not_implement_is_refused_in_dataverse_shape(
        api, ask, status, names):
    base, headers = api
    method, _, rest = ask.partition(" ")
    path, _, body = rest.partition(" ")
    reply = requests.request(method, f"{base}/{path}", data=body or None, timeout=10,
                             headers={**headers, "Content-Type": "application/json"})
    got_status, _code, message = dataverse_error(reply)
    assert got_status == status and names in message


def test_paging_follows_next_links_to_every_row_once(api):
    base, headers = api
    paged = {**headers, "Prefer": "odata.maxpagesize=4"}
    url, seen = f"{base}/contacts?$select=lastname", []
    while url:
        page = requests.get(url, headers=paged, timeout=10)
        assert page.headers["Preference-Applied"] == "odata.maxpagesize=4"
        body = page.json()
        assert len(body["value"]) <= 4 and "@odata.deltaLink" not in body
        seen += [row["contactid"] for row in body["value"]]
        url = body.get("@odata.nextLink")
    whole = requests.get(f"{base}/contacts?$select=lastname", headers=headers, timeout=10)
    assert sorted(seen) == sorted(r["contactid"] for r in whole.json()["value"])
    assert len(seen) == len(set(seen)) > 4
    # "Max page size requests larger than 5,000 are ignored": not applied, not refused.
    large = requests.get(f"{base}/contacts?$select=lastname", timeout=10,
                         headers={**headers, "Prefer": "odata.maxpagesize=9000"})
    assert "Preference-Applied" not in large.headers and len(large.json()["value"]) == len(seen)
