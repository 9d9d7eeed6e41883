"""A Zoho connector signed in to a sandbox organization, and raw calls to the sandbox."""

import requests

from connectors.sdk import HttpClient, OAuth2Auth
from connectors.zoho import ZohoConnector
from tests.kits.sandbox import MemoryTokenStore, connect, oauth_client

US = "admin@zylker.example"
EU = "admin@zylker.eu.example"


def make_connector(root: str, login: str = US) -> ZohoConnector:
    token = connect(ZohoConnector, root, login)
    auth = OAuth2Auth(oauth_client(ZohoConnector, root, token.extra), MemoryTokenStore(token))
    return ZohoConnector(HttpClient(auth=auth, sleep=lambda s: None),
                         api_bases=ZohoConnector.sandbox_bases(root), account=token.extra)


def raw(root: str, method: str, path: str, token: str, **kwargs) -> requests.Response:
    """A call as another client would send it, with Zoho's header."""
    headers = {"Authorization": f"Zoho-oauthtoken {token}", **kwargs.pop("headers", {})}
    return requests.request(method, root + path, headers=headers, timeout=10, **kwargs)
