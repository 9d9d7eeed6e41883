"""The Dynamics sandbox refuses what Dataverse refuses and answers the way it
answers; and the contract checks catch what breaks the documented shapes."""

import json

import pytest
import requests

from connectors.dynamics import DynamicsConnector
from connectors.dynamics.contract import check_request, check_response
from tests.connectors.dynamics.kit import HEADERS
from tests.kits.sandbox import REDIRECT_URI, oauth_client


def error_of(reply) -> tuple[int, str, str]:
    body = reply.json()["error"]
    return reply.status_code, body["code"], body["message"]


def test_an_unknown_column_in_select_is_refused(api):
    base, headers = api
    reply = requests.get(f"{base}/contacts?$select=contactid,nosuchcolumn", headers=headers,
                         timeout=10)
    assert error_of(reply)[:2] == (400, "0x80060888")
    assert "nosuchcolumn" in error_of(reply)[2]


def test_a_lookup_is_selected_by_its_value_name_only(api):
    base, headers = api
    plain = requests.get(f"{base}/contacts?$select=parentcustomerid", headers=headers, timeout=10)
    assert plain.status_code == 400
    value = requests.get(f"{base}/contacts?$select=_parentcustomerid_value", headers=headers,
                         timeout=10)
    assert value.status_code == 200


def test_an_unknown_entity_set_is_not_found(api):
    base, headers = api
    reply = requests.get(f"{base}/persons", headers=headers, timeout=10)
    assert error_of(reply)[0] == 404
    assert "Resource not found for the segment 'persons'" in error_of(reply)[2]


def test_patch_without_if_match_creates_the_row(api):
    """The upsert the connector avoids by always sending If-Match: *."""
    base, headers = api
    new_id = "11111111-2222-3333-4444-555555555555"
    guarded = requests.patch(f"{base}/accounts({new_id})", json={"name": "Upserted"},
                             headers={**headers, "If-Match": "*"}, timeout=10)
    assert error_of(guarded)[:2] == (404, "0x80040217")
    upsert = requests.patch(f"{base}/accounts({new_id})", json={"name": "Upserted"},
                            headers=headers, timeout=10)
    assert upsert.status_code == 204
    assert upsert.headers["OData-EntityId"].endswith(f"accounts({new_id})")


def test_a_stale_etag_is_refused(api):
    base, headers = api
    made = requests.post(f"{base}/accounts?$select=name", json={"name": "Etag Co"},
                         headers={**headers, "Prefer": "return=representation"}, timeout=10)
    row = made.json()
    etag, row_id = row["@odata.etag"], row["accountid"]
    requests.patch(f"{base}/accounts({row_id})", json={"name": "Etag Co 2"},
                   headers={**headers, "If-Match": etag}, timeout=10).raise_for_status()
    stale = requests.patch(f"{base}/accounts({row_id})", json={"name": "Etag Co 3"},
                           headers={**headers, "If-Match": etag}, timeout=10)
    # As documented: 412, Dataverse's message, OData JSON; the row is left as it is.
    assert error_of(stale) == (412, "0x80060882", "The version of the existing record "
                               "doesn't match the RowVersion property provided.")
    assert stale.headers["Content-Type"] == "application/json; odata.metadata=minimal"
    assert stale.headers["OData-Version"] == "4.0"
    kept = requests.get(f"{base}/accounts({row_id})?$select=name", headers=headers, timeout=10)
    assert kept.json()["name"] == "Etag Co 2"


def test_a_delete_on_a_stale_etag_is_refused(api):
    base, headers = api
    made = requests.post(f"{base}/accounts?$select=name", json={"name": "Etag Gone Co"},
                         headers={**headers, "Prefer": "return=representation"}, timeout=10)
    etag, row_id = made.json()["@odata.etag"], made.json()["accountid"]
    requests.patch(f"{base}/accounts({row_id})", json={"name": "Etag Kept Co"},
                   headers={**headers, "If-Match": "*"}, timeout=10).raise_for_status()
    stale = requests.delete(f"{base}/accounts({row_id})",
                            headers={**headers, "If-Match": etag}, timeout=10)
    assert error_of(stale)[:2] == (412, "0x80060882")
    current = requests.get(f"{base}/accounts({row_id})?$select=name", headers=headers,
                           timeout=10).json()["@odata.etag"]
    gone = requests.delete(f"{base}/accounts({row_id})",
                           headers={**headers, "If-Match": current}, timeout=10)
    assert gone.status_code == 204


def test_a_garbled_delta_token_is_refused(api):
    base, headers = api
    reply = requests.get(f"{base}/contacts?$deltatoken=garbage",
                         headers={**headers, "Prefer": "odata.track-changes"}, timeout=10)
    assert reply.status_code == 400


@pytest.mark.parametrize("option", ["$filter=firstname eq 'Ann'", "$top=1", "$orderby=firstname"])
def test_a_change_tracking_read_takes_no_filter_order_or_top(api, option):
    """So a read cannot leave out the rows our own application user wrote
    (`_modifiedby_value ne …`): the engine drops those echoes itself."""
    base, headers = api
    reply = requests.get(f"{base}/contacts?$select=fullname&{option}",
                         headers={**headers, "Prefer": "odata.track-changes"}, timeout=10)
    status, _code, message = error_of(reply)
    assert status == 400 and "not supported when Change Tracking is enabled" in message
    untracked = requests.get(f"{base}/contacts?$select=fullname&{option}", headers=headers,
                             timeout=10)
    # $orderby is Dataverse's, but not this sandbox's: refused rather than ignored.
    assert untracked.status_code == (400 if option.startswith("$orderby") else 200)


def test_an_unaccepted_token_gets_an_empty_401_with_a_challenge(api):
    base, _ = api
    reply = requests.get(f"{base}/contacts", headers={**HEADERS, "Authorization": "Bearer nope"},
                         timeout=10)
    assert reply.status_code == 401 and reply.content == b""
    assert reply.headers["WWW-Authenticate"].startswith("Bearer authorization_uri=")


def test_answers_carry_the_odata_version_and_applied_preferences(api):
    base, headers = api
    reply = requests.get(f"{base}/contacts?$select=fullname", timeout=10, headers={
        **headers, "Prefer": "odata.maxpagesize=2,odata.track-changes"})
    assert reply.headers["OData-Version"] == "4.0"
    assert "odata.maxpagesize=2" in reply.headers["Preference-Applied"]
    assert len(reply.json()["value"]) == 2
    assert "$skiptoken=" in reply.json()["@odata.nextLink"]


def _batch(base, headers, parts: list[str], prefer: str | None = None, changeset=False):
    inner = []
    for number, (method, path, body) in enumerate(parts, start=1):
        inner.append(f"--{'cs' if changeset else 'b'}\r\nContent-Type: application/http\r\n"
                     f"Content-Transfer-Encoding: binary\r\nContent-ID: {number}\r\n\r\n"
                     f"{method} {base}/{path} HTTP/1.1\r\nContent-Type: application/json\r\n"
                     f"\r\n{json.dumps(body)}")
    text = "\r\n".join(inner)
    if changeset:
        text = (f"--b\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n{text}\r\n--cs--")
    body = f"{text}\r\n--b--\r\n"
    extra = {"Prefer": prefer} if prefer else {}
    return requests.post(f"{base}/$batch", data=body, timeout=10, headers={
        **headers, **extra, "Content-Type": "multipart/mixed; boundary=b"})


def test_a_batch_stops_at_the_first_failure_unless_told_to_go_on(api):
    base, headers = api
    parts = [("POST", "tasks", {"subject": "one"}), ("POST", "tasks", {"subject": "x" * 201}),
             ("POST", "tasks", {"subject": "three"})]
    stopped = _batch(base, headers, parts)
    assert stopped.text.count("HTTP/1.1 ") == 2
    went_on = _batch(base, headers, parts, prefer="odata.continue-on-error")
    assert went_on.text.count("HTTP/1.1 204") == 2 and "HTTP/1.1 400" in went_on.text
    assert went_on.headers["Preference-Applied"] == "odata.continue-on-error"


def test_a_change_set_succeeds_or_fails_as_a_whole(api):
    base, headers = api

    def count():
        got = requests.get(f"{base}/tasks?$select=subject&$filter=startswith(subject,'Atomic')",
                           headers=headers, timeout=10)
        return len(got.json()["value"])

    before = count()
    failed = _batch(base, headers, [("POST", "tasks", {"subject": "Atomic 1"}),
                                    ("POST", "tasks", {"subject": "Atomic 2", "nope": 1})],
                    changeset=True)
    assert failed.text.count("HTTP/1.1 ") == 1 and "HTTP/1.1 400" in failed.text
    assert count() == before
    _batch(base, headers, [("POST", "tasks", {"subject": "Atomic 3"})], changeset=True)
    assert count() == before + 1


def test_custom_columns_are_listed_with_their_options(api):
    base, headers = api
    attributes = f"{base}/EntityDefinitions(LogicalName='contact')/Attributes"
    custom = requests.get(f"{attributes}?$select=LogicalName,AttributeOf"
                          f"&$filter=IsCustomAttribute eq true", headers=headers, timeout=10)
    names = {(r["LogicalName"], r["AttributeOf"]) for r in custom.json()["value"]}
    assert names == {("new_loyaltytier", None), ("new_loyaltytiername", "new_loyaltytier"),
                     ("cr123_preferredchannel", None)}
    typed = requests.get(f"{attributes}/Microsoft.Dynamics.CRM.PicklistAttributeMetadata"
                         f"?$select=LogicalName&$filter=IsCustomAttribute eq true"
                         f"&$expand=OptionSet($select=Options)", headers=headers, timeout=10)
    (tier,) = typed.json()["value"]
    assert [o["Value"] for o in tier["OptionSet"]["Options"]] == [100000000, 100000001, 100000002]


def test_the_consent_page_refuses_a_wrong_password_and_reports_a_denial(root):
    client = oauth_client(DynamicsConnector, root)
    auth = client.authorization_request()
    params = dict(p.split("=", 1) for p in auth.url.split("?", 1)[1].split("&"))
    page = requests.get(auth.url, timeout=10)
    assert page.status_code == 200 and "admin@fabrikam.example" in page.text
    form = {k: requests.utils.unquote(v) for k, v in params.items()}
    wrong = requests.post(client.authorize_url, data={
        **form, "login": "admin@contoso.example", "password": "nope", "decision": "allow"},
        allow_redirects=False, timeout=10)
    assert wrong.status_code == 401
    denied = requests.post(client.authorize_url, data={**form, "decision": "deny"},
                           allow_redirects=False, timeout=10)
    assert denied.headers["Location"].startswith(REDIRECT_URI)
    assert "error=access_denied" in denied.headers["Location"]


# --- the contract checks themselves ------------------------------------------------------

URL = "https://contoso.crm.dynamics.com/api/data/v9.2"
GOOD = {**HEADERS, "Authorization": "Bearer t"}


def test_the_contract_flags_requests_that_break_it():
    assert check_request("GET", f"{URL}/contacts?$select=fullname", GOOD, None) == []
    assert any("OData-Version".lower() in p for p in check_request(
        "GET", f"{URL}/contacts", {"Authorization": "Bearer t"}, None))
    assert any("upsert" in p for p in check_request(
        "PATCH", f"{URL}/contacts(1)", {**GOOD, "Content-Type": "application/json"}, b"{}"))
    assert any("Prefer" in p for p in check_request(
        "GET", f"{URL}/contacts", {**GOOD, "Prefer": "odata.maxpagesize=9000"}, None) +
        check_request("GET", f"{URL}/contacts", {**GOOD, "Prefer": "odata.fast"}, None))
    assert any("track-changes" in p for p in check_request(
        "GET", f"{URL}/contacts?$filter=x eq 1", {**GOOD, "Prefer": "odata.track-changes"}, None))
    assert any("binding" in p for p in check_request(
        "POST", f"{URL}/contacts", {**GOOD, "Content-Type": "application/json"},
        b'{"parentcustomerid_account@odata.bind": "accounts(1)"}'))


def test_the_contract_flags_responses_that_break_it():
    odata = {"OData-Version": "4.0"}
    bad_error = json.dumps({"error": {"message": "no code"}}).encode()
    assert check_response("GET", f"{URL}/contacts", 400, odata, bad_error)
    assert any("Retry-After" in p for p in check_response(
        "GET", f"{URL}/contacts", 429, odata,
        json.dumps({"error": {"code": "0x80072322", "message": "slow down"}}).encode()))
    both = {"@odata.context": f"{URL}/$metadata#contacts", "value": [],
            "@odata.nextLink": f"{URL}/contacts?$skiptoken=1",
            "@odata.deltaLink": f"{URL}/contacts?$deltatoken=1"}
    assert check_response("GET", f"{URL}/contacts", 200, odata, json.dumps(both).encode())
    deleted = {"@odata.context": f"{URL}/$metadata#contacts", "value": [
        {"@odata.context": f"{URL}/$metadata#contacts/$deletedEntity",
         "id": "5b9a3b1e-8f2c-4d6e-9a1b-0c2d3e4f5a6b", "reason": "deleted"}]}
    assert any("delta" in p for p in check_response(
        "GET", f"{URL}/contacts", 200, odata, json.dumps(deleted).encode()))
    assert check_response("GET", f"{URL}/contacts", 200, {}, b'{"value": []}')


def test_the_contract_says_where_a_body_departs_from_its_documented_shape():
    """The documented shapes are JSON Schemas (checked by `jsonschema`): a problem names
    the member and what it breaks, and a body that keeps to them has none."""
    odata = {"OData-Version": "4.0"}
    reply = {"@odata.context": f"{URL}/$metadata#contacts/$entity", "@odata.etag": 'W/"7"',
             "fullname": "Ana", "_parentcustomerid_value": None,
             "_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account"}
    assert check_response("POST", f"{URL}/contacts", 201, odata,
                          json.dumps(reply).encode()) == []
    bad = {**reply, "@odata.etag": "7", "address": {"city": "Recife"}, "Full Name": "Ana"}
    problems = check_response("POST", f"{URL}/contacts", 201, odata, json.dumps(bad).encode())
    assert len(problems) == 3, problems
    assert any(p.startswith("$['@odata.etag']: '7' does not match") for p in problems)
    assert any(p.startswith("$.address: {'city': 'Recife'} is not of type") for p in problems)
    assert any(p.startswith("$: 'Full Name' does not match") for p in problems)
    no_code = json.dumps({"error": {"message": "no code"}}).encode()
    assert check_response("GET", f"{URL}/contacts", 400, odata, no_code) == [
        "$.error: 'code' is a required property"]
    gone = {"@odata.context": f"{URL}/$metadata#contacts/$delta", "value": [
        {"@odata.context": f"{URL}/$metadata#contacts/$deletedEntity",
         "id": "5b9a3b1e-8f2c-4d6e-9a1b-0c2d3e4f5a6b", "reason": "gone"}]}
    (problem,) = check_response("GET", f"{URL}/contacts", 200, odata, json.dumps(gone).encode())
    assert problem.startswith("$.value[0]:") and "not valid under any" in problem
