"""The HubSpot sandbox: its seed, its schema, its OAuth, and what it refuses like HubSpot."""

import base64
import datetime as dt
from collections import Counter

import pytest
import requests

from connectors.hubspot import HubSpotConnector
from connectors.hubspot.sandbox.schema import PROPERTIES, property_map
from connectors.hubspot.spec import ALL_OBJECTS
from connectors.sdk import FieldType, NeedsReconnectError
from connectors.sdk.sandbox.oauth import SANDBOX_CLIENT_ID
from syncapp.crm.demo import generate
from tests.connectors.hubspot.test_conformance import make_connector, running_sandbox
from tests.kits.sandbox import oauth_client

ACME_ID, GLOBEX_ID = "4410001", "4410002"

# Our field types -> the HubSpot property types they may stand for.
COMPATIBLE = {
    FieldType.TEXT: {"string"}, FieldType.TEXTAREA: {"string"}, FieldType.EMAIL: {"string"},
    FieldType.PHONE: {"string"}, FieldType.URL: {"string"}, FieldType.NUMBER: {"number"},
    FieldType.DATE: {"date", "datetime"}, FieldType.DATETIME: {"datetime"},
    FieldType.BOOLEAN: {"bool"}, FieldType.ENUMERATION: {"enumeration"},
    FieldType.OWNER: {"enumeration"}, FieldType.REFERENCE: {"number"},
}


@pytest.fixture(scope="module")
def stack():
    with running_sandbox() as (sandbox, root):
        yield sandbox, root


def values(sandbox, account: str, kind: str) -> list[dict]:
    return [r["properties"] for r in sandbox.accounts[account].records(kind)]


# --- the seed overlaps the demo hub the way real data does ------------------------------


@pytest.fixture(scope="module")
def demo():
    return generate(dt.date(2026, 11, 28)).records


def test_the_seed_has_demo_emails_in_other_letter_case(stack, demo):
    sandbox, _root = stack
    hub = {c["email"] for c in demo["contact"] if c.get("email")}
    ours = [c["email"] for c in values(sandbox, ACME_ID, "contacts") if c.get("email")]
    recased = [e for e in ours if e.lower() in hub and e not in hub]
    assert len(recased) >= 2


def test_the_seed_has_conflicting_phones_and_contacts_without_email(stack, demo):
    sandbox, _root = stack
    hub = {c["email"]: c for c in demo["contact"] if c.get("email")}
    ours = values(sandbox, ACME_ID, "contacts")
    conflicts = [c for c in ours if (c.get("email") or "").lower() in hub
                 and c.get("phone") and c["phone"] != hub[c["email"].lower()]["phone"]]
    assert conflicts
    no_email = {(c.get("firstname"), c.get("lastname")) for c in ours if not c.get("email")}
    hub_no_email = {(c.get("firstname"), c.get("lastname")) for c in demo["contact"]
                    if not c.get("email")}
    assert no_email & hub_no_email


def test_the_seed_has_a_www_domain_and_a_company_with_several_contacts(stack, demo):
    sandbox, _root = stack
    hub_domains = {c["domain"] for c in demo["company"]}
    domains = [c.get("domain") or "" for c in values(sandbox, ACME_ID, "companies")]
    assert any(d.startswith("www.") and d[4:] in hub_domains for d in domains)
    per_company = Counter(c.get("company") for c in values(sandbox, ACME_ID, "contacts"))
    assert per_company.most_common(1)[0][1] >= 3


def test_the_seed_has_products_matching_by_sku_or_by_name(stack, demo):
    sandbox, _root = stack
    hub = {p["hs_sku"]: p for p in demo["product"]}
    hub_names = {p["name"] for p in demo["product"]}
    ours = values(sandbox, ACME_ID, "products")
    assert any(p.get("hs_sku") in hub and p["price"] != hub[p["hs_sku"]]["price"] for p in ours)
    assert any(not p.get("hs_sku") and p["name"] in hub_names for p in ours)


def test_both_portals_have_records_of_every_object(stack):
    sandbox, _root = stack
    for account in (ACME_ID, GLOBEX_ID):
        for kind in ALL_OBJECTS:
            assert values(sandbox, account, kind), (account, kind)


# --- the connector's fields are HubSpot properties ---------------------------------------


@pytest.mark.parametrize("object_name", sorted(ALL_OBJECTS))
def test_every_declared_field_is_a_hubspot_property_of_a_compatible_type(object_name):
    known = property_map(object_name)
    for field in ALL_OBJECTS[object_name].fields:
        prop = known.get(field.name)
        assert prop is not None, field.name
        assert prop.type in COMPATIBLE[field.type], (field.name, prop.type)
        assert field.read_only == prop.read_only, field.name
        assert {o.value for o in field.options} <= {v for v, _l in prop.options}, field.name


def test_every_object_has_a_custom_property():
    assert all(any(p.custom for p in props) for props in PROPERTIES.values())


# --- accounts and OAuth as HubSpot does them ----------------------------------------------


def test_two_portals_are_two_accounts_with_their_own_data(stack):
    _sandbox, root = stack
    acme, _store = make_connector(root)
    globex, _store = make_connector(root, "admin@globex.example")
    assert (acme.account_info().id, globex.account_info().id) == (ACME_ID, GLOBEX_ID)
    assert acme.account_info().name == "acmecorp.example"
    emails = {r.values["email"] for r in globex.read_changes("contacts", None).records}
    assert emails == {"hank.scorpio@globex.example", "frank.grimes@globex.example",
                      "alice@umbrella.example"}


def test_account_info_survives_an_expired_access_token(stack):
    sandbox, root = stack
    connector, store = make_connector(root)
    sandbox.expire_access_tokens()
    assert connector.account_info().id == ACME_ID
    assert store.saves == 1


def test_refresh_tokens_do_not_rotate(stack):
    sandbox, root = stack
    connector, store = make_connector(root)
    before = store.token.refresh_token
    sandbox.expire_access_tokens()
    connector.read_changes("contacts", None, limit=1)
    assert store.saves == 1 and store.token.refresh_token == before


def test_the_token_endpoint_wants_client_credentials_in_the_form(stack):
    _sandbox, root = stack
    basic = base64.b64encode(f"{SANDBOX_CLIENT_ID}:x".encode()).decode()
    reply = requests.post(f"{root}/oauth/v1/token", data={"grant_type": "refresh_token",
                                                          "refresh_token": "r"},
                          headers={"Authorization": f"Basic {basic}"}, timeout=5)
    assert reply.status_code == 400 and reply.json()["status"] == "BAD_CLIENT_ID"


def test_disconnect_revokes_the_refresh_token_and_then_reconnect_is_needed(stack):
    sandbox, root = stack
    _connector, store = make_connector(root)
    client = oauth_client(HubSpotConnector, root)
    client.revoke(store.token)
    assert store.token.refresh_token not in sandbox.refresh_tokens
    with pytest.raises(NeedsReconnectError) as raised:
        client.refresh(store.token)
    assert "refresh token" in raised.value.vendor_message


def test_the_consent_page_lists_the_requested_scopes(stack):
    _sandbox, root = stack
    auth = oauth_client(HubSpotConnector, root).authorization_request()
    page = requests.get(auth.url, timeout=5)
    assert page.status_code == 200 and "crm.objects.deals.write" in page.text


# --- the sandbox refuses what HubSpot refuses ---------------------------------------------


@pytest.fixture(scope="module")
def bearer(stack):
    _sandbox, root = stack
    connector, _store = make_connector(root)
    return {"Authorization": connector.http.auth.headers()["Authorization"]}


def _filters(n: int) -> list:
    return [{"filters": [{"propertyName": "email", "operator": "HAS_PROPERTY"}]}] * n


@pytest.mark.parametrize(("method", "path", "body", "words"), [
    ("POST", "/crm/v3/objects/contacts/batch/create",
     {"inputs": [{"properties": {}}] * 101}, "limit of 100"),
    ("POST", "/crm/v3/objects/contacts/search", {"limit": 201}, "between 1 and 200"),
    ("POST", "/crm/v3/objects/contacts/search", {"filterGroups": _filters(6)}, "Too many"),
    ("POST", "/crm/v3/objects/contacts/search",
     {"filterGroups": [{"filters": [{"propertyName": "nope", "operator": "EQ", "value": 1}]}]},
     "unknown property"),
    ("POST", "/crm/v3/objects/contacts/batch/update",
     {"inputs": [{"id": "1002", "properties": {}}] * 2}, "Duplicate IDs"),
    ("POST", "/crm/v3/objects/contacts/batch/read", {"inputs": [], "properties": []},
     "propertiesWithHistory"),
    ("GET", "/crm/v3/objects/widgets", None, "Unable to infer object type"),
    ("POST", "/crm/v3/objects/contacts", {"properties": {"date_of_birth": "1990-01-01T10:00Z"}},
     "INVALID_DATE"),
    ("POST", "/crm/v3/objects/contacts",
     {"properties": {"email": "x@example.com"},
      "associations": [{"to": {"id": "1002"}, "types": [{
          "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 9999}]}]},
     "not a valid association type"),
])
def test_the_sandbox_refuses_what_hubspot_refuses(stack, bearer, method, path, body, words):
    _sandbox, root = stack
    reply = requests.request(method, root + path, json=body, headers=bearer, timeout=5)
    assert reply.status_code == 400, reply.text
    assert reply.json()["category"] == "VALIDATION_ERROR"
    assert words in reply.json()["message"]


def test_an_unknown_token_is_a_401_in_hubspot_shape(stack):
    _sandbox, root = stack
    reply = requests.get(f"{root}/crm/v3/objects/contacts",
                         headers={"Authorization": "Bearer nope"}, timeout=5)
    assert reply.status_code == 401
    assert reply.json()["category"] == "INVALID_AUTHENTICATION"
