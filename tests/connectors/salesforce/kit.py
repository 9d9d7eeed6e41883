"""What the Salesforce tests share: a token got the real way, a connector, and
simple-salesforce pointed at the sandbox.

simple-salesforce always speaks https to `instance_url`'s host; the sandbox serves
plain HTTP on a local port, so its session sends the same requests over http (the
paths, headers and bodies are untouched: that is the contract under test).
"""

import requests
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce

from connectors.salesforce import SalesforceConnector
from connectors.sdk import HttpClient, OAuth2Auth
from tests.kits.sandbox import MemoryTokenStore, connect, oauth_client

LOGIN = "admin@globex.example"


class _PlainHttp(HTTPAdapter):
    def send(self, request, *args, **kwargs):
        request.url = request.url.replace("https://", "http://", 1)
        return super().send(request, *args, **kwargs)


def simple_salesforce(root: str, login: str = LOGIN, version: str = "59.0") -> Salesforce:
    token = connect(SalesforceConnector, root, login)
    session = requests.Session()
    session.mount("https://", _PlainHttp())
    return Salesforce(instance_url=token.extra["instance_url"].replace("http://", "https://"),
                      session_id=token.access_token, session=session, version=version)


def make_connector(root: str, login: str = LOGIN, **http_options):
    """A connector with a token obtained the real way; returns (connector, token store)."""
    store = MemoryTokenStore(connect(SalesforceConnector, root, login))
    http = HttpClient(auth=OAuth2Auth(oauth_client(SalesforceConnector, root), store),
                      sleep=lambda seconds: None, **http_options)
    connector = SalesforceConnector(http, api_bases=SalesforceConnector.sandbox_bases(root),
                                    account=store.token.extra)
    return connector, store
