"""Zoho's data centres: consent names the region, its accounts server holds the token."""

import pytest
from requests import post

from connectors.sdk import ConnectorError
from connectors.zoho import ZohoConnector
from connectors.zoho.datacentres import accounts_url, consent_details
from tests.connectors.zoho.kit import EU, US, make_connector
from tests.kits.sandbox import REDIRECT_URI, consent, oauth_client


def test_an_eu_organization_is_sent_back_with_its_data_centre(root):
    callback = consent(oauth_client(ZohoConnector, root), EU)
    assert callback["location"] == "eu"
    assert callback["accounts-server"] == f"{root}/accounts.zoho.eu"
    details = ZohoConnector.consent_details(callback)
    client = oauth_client(ZohoConnector, root, details)
    assert client.token_url == f"{root}/accounts.zoho.eu/oauth/v2/token"
    token = client.exchange_code(callback["code"], callback["_verifier"])
    assert token.extra["api_domain"] == root
    assert client.refresh(token).access_token != token.access_token


def test_an_eu_code_is_refused_at_the_us_accounts_server(root):
    callback = consent(oauth_client(ZohoConnector, root), EU)
    reply = post(f"{root}/accounts.zoho.com/oauth/v2/token", timeout=10, data={
        "grant_type": "authorization_code", "code": callback["code"],
        "client_id": "syncapp-sandbox-client", "client_secret": "syncapp-sandbox-secret",
        "redirect_uri": REDIRECT_URI, "code_verifier": callback["_verifier"]})
    # Zoho's shape: HTTP 200 and an `error`, never a token.
    assert (reply.status_code, reply.json()) == (200, {"error": "invalid_code"})


def test_each_organization_sees_its_own_records_and_names_its_web_app(root):
    us, eu = make_connector(root, US), make_connector(root, EU)
    assert us.account_info().extra["web_domain"] == "https://crm.zoho.com"
    info = eu.account_info()
    assert (info.name, info.extra["location"], info.extra["web_domain"]) == (
        "Zylker GmbH", "eu", "https://crm.zoho.eu")
    names = {r.values["Last_Name"] for r in eu.read_changes("Contacts", None).records}
    assert names == {"Vogel"}


@pytest.mark.parametrize("params", [
    {"location": "mars", "accounts-server": "https://accounts.zoho.mars"},
    {"location": "eu", "accounts-server": "https://accounts.zoho.com"},
    {"location": "eu", "accounts-server": "https://evil.example/accounts.zoho.jp"},
])
def test_a_redirect_naming_an_unknown_or_mismatched_server_is_refused(params):
    with pytest.raises(ConnectorError):
        consent_details(params)


def test_the_token_endpoint_is_looked_up_never_taken_from_the_redirect():
    # Even an accounts-server that passes the check is not used as an address.
    details = consent_details({"location": "au",
                               "accounts-server": "https://evil.example/accounts.zoho.com.au"})
    assert accounts_url("https://accounts.zoho.com/oauth/v2/token", details) == (
        "https://accounts.zoho.com.au/oauth/v2/token")
    assert accounts_url("https://accounts.zoho.com/oauth/v2/token", {}) == (
        "https://accounts.zoho.com/oauth/v2/token")


def test_the_api_domain_replaces_the_production_host_but_never_a_chosen_one():
    from connectors.sdk import HttpClient

    account = {"api_domain": "https://www.zohoapis.eu", "location": "eu"}
    production = ZohoConnector(HttpClient(), account=account)
    assert production.api("records") == "https://www.zohoapis.eu"
    chosen = ZohoConnector(HttpClient(), api_bases={"records": "http://127.0.0.1:9"},
                           account=account)
    assert chosen.api("records") == "http://127.0.0.1:9"


def test_disconnecting_revokes_the_refresh_token_at_the_eu_server(root, sandbox):
    callback = consent(oauth_client(ZohoConnector, root), EU)
    client = oauth_client(ZohoConnector, root, ZohoConnector.consent_details(callback))
    token = client.exchange_code(callback["code"], callback["_verifier"])
    assert client.revoke_url == f"{root}/accounts.zoho.eu/oauth/v2/token/revoke"
    client.revoke(token)  # POST …/revoke?token=<refresh token>
    assert token.refresh_token not in sandbox.refresh_tokens
