"""The Pipedrive connection, the spec against the adapters, the seed and webhook limits."""

import datetime as dt

import pytest

from connectors.pipedrive import PipedriveConnector
from connectors.pipedrive.connector import ADAPTERS
from connectors.pipedrive.sandbox import PipedriveSandbox
from connectors.sdk import ConnectorError, HttpClient
from tests.connectors.pipedrive.kit import GLOBEX, NORTHWIND, make_connector
from tests.kits.sandbox import (
    connect,
    oauth_client,
)

# --- the connection ------------------------------------------------------------------------

def test_the_token_names_the_company_host_and_refresh_keeps_the_refresh_token(root):
    client = oauth_client(PipedriveConnector, root)
    token = connect(PipedriveConnector, root, NORTHWIND)
    assert token.extra["api_domain"] == root
    fresh = client.refresh(token)
    assert fresh.refresh_token == token.refresh_token
    assert fresh.access_token != token.access_token


def test_api_domain_replaces_the_generic_host_but_never_a_chosen_one():
    http = HttpClient()
    company = {"api_domain": "https://acme.pipedrive.com"}
    production = PipedriveConnector(http, api_bases=dict(PipedriveConnector.api_bases),
                                    account=company)
    assert production.api("v2") == "https://acme.pipedrive.com/api/v2"
    assert production.api("v1") == "https://acme.pipedrive.com/api/v1"
    proxied = PipedriveConnector(http, api_bases={"v2": "http://127.0.0.1:9/x"}, account=company)
    assert proxied.api("v2") == "http://127.0.0.1:9/x"


def test_account_info_names_the_company(root):
    info = make_connector(root, GLOBEX).account_info()
    assert (info.id, info.name) == ("7301002", "Globex Corporation")
    assert info.extra["default_currency"] == "EUR"
    assert info.extra["company_domain"] == "globex-sandbox"


# --- the spec and the adapters agree ----------------------------------------------------------

@pytest.mark.parametrize("object_name", sorted(ADAPTERS))
def test_every_declared_field_is_read_and_nothing_else(object_name):
    adapter = ADAPTERS[object_name]
    declared = {f.name for f in PipedriveConnector.spec.object(object_name).fields}
    assert set(adapter.to_values({"id": 1}, context=_context())) == declared


@pytest.mark.parametrize("object_name", sorted(ADAPTERS))
def test_every_writable_field_can_be_written(object_name):
    adapter = ADAPTERS[object_name]
    for field in PipedriveConnector.spec.object(object_name).fields:
        if not field.read_only:
            value = {"number": "1", "date": "2026-01-01", "datetime": "2026-01-01T00:00:00Z",
                     "boolean": "true", "reference": "1", "owner": "1",
                     "enumeration": field.options[0].value if field.options else "1",
                     }.get(field.type, "x")
            assert adapter.to_payload({field.name: value}, None, _context()), field.name


def _context():
    from connectors.pipedrive.adapter import Context

    return Context(currency="USD")


# --- the seed overlaps the demo hub the way real data does -----------------------------------

def test_the_sandbox_seed_overlaps_the_demo_hub_like_real_data():
    from syncapp.crm.demo import generate

    demo = generate(dt.datetime.now(dt.UTC).date())
    hub_contacts = {(c.get("firstname"), c.get("lastname")): c for c in demo.records["contact"]}
    hub_emails = {c["email"] for c in demo.records["contact"] if "email" in c}
    hub_companies = {c["name"]: c for c in demo.records["company"]}
    hub_products = {p["hs_sku"]: p for p in demo.records["product"]}
    company = PipedriveSandbox().accounts["7201001"]
    persons = list(company.data["persons"].values())
    orgs = list(company.data["organizations"].values())

    emails = [e["value"] for p in persons for e in p["emails"]]
    assert len([e for e in emails if e.lower() in hub_emails and e not in hub_emails]) >= 3
    shared = [o for o in orgs if o["name"] in hub_companies]
    assert len(shared) >= 4
    assert any(o["website"] and f"www.{hub_companies[o['name']]['domain']}" in o["website"]
               for o in shared)
    phones = {(p["first_name"], p["last_name"]): p["phones"][0]["value"]
              for p in persons if p["phones"] and (p["first_name"], p["last_name"]) in hub_contacts}
    assert any(phone != hub_contacts[name]["phone"] for name, phone in phones.items())
    assert any(phone == hub_contacts[name]["phone"] for name, phone in phones.items())
    assert any(not p["emails"] for p in persons)
    per_org = [sum(p["org_id"] == o["id"] for p in persons) for o in orgs]
    assert max(per_org) >= 3
    priced = {p["code"]: p["prices"][0]["price"] for p in company.data["products"].values()
              if p["code"] in hub_products}
    assert any(str(price) != hub_products[code]["price"] for code, price in priced.items())
    assert any(p["code"] is None and p["name"] in {h["name"] for h in hub_products.values()}
               for p in company.data["products"].values())


def test_a_user_has_at_most_forty_webhooks(connector):
    for n in range(40):
        connector.register_webhook("deals", f"https://hooks.example/{n}")
    with pytest.raises(ConnectorError) as raised:
        connector.register_webhook("deals", "https://hooks.example/41")
    assert raised.value.vendor_message == "Webhooks limit reached"
