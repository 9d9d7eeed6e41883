"""OAuth against a sandbox: state, PKCE, single-use codes, refresh under a lock."""

import threading
import time
from contextlib import contextmanager

import pytest
import requests

from connectors.sdk import ConnectorError, ErrorCategory, NeedsReconnectError, OAuth2Auth
from connectors.sdk.oauth import Token
from tests.kits.sandbox import consent, oauth_client, sandbox_server
from tests.kits.toy import ToyConnector, ToySandbox


@pytest.fixture
def toy():
    sandbox = ToySandbox()
    with sandbox_server(sandbox) as url:
        yield sandbox, url


def test_consent_returns_state_and_the_code_needs_the_pkce_verifier(toy):
    _sandbox, url = toy
    client = oauth_client(ToyConnector, url)
    callback = consent(client, "admin@toy.example")
    with pytest.raises(NeedsReconnectError, match="refused"):
        client.exchange_code(callback["code"], "a-wrong-verifier-" + "x" * 40)
    # The failed attempt used the code up: a replay fails too, even with the right verifier.
    with pytest.raises(NeedsReconnectError):
        client.exchange_code(callback["code"], callback["_verifier"])


def test_code_exchange_gives_a_working_token_and_a_code_works_once(toy):
    _sandbox, url = toy
    client = oauth_client(ToyConnector, url)
    callback = consent(client, "admin@toy.example")
    token = client.exchange_code(callback["code"], callback["_verifier"])
    assert token.access_token
    assert token.refresh_token
    assert token.expires_at > time.time()
    with pytest.raises(NeedsReconnectError) as raised:
        client.exchange_code(callback["code"], callback["_verifier"])
    assert "already used" in raised.value.vendor_message


def test_denied_consent_comes_back_as_an_error_parameter(toy):
    _sandbox, url = toy
    callback = consent(oauth_client(ToyConnector, url), "admin@toy.example", decision="deny")
    assert callback["error"] == "access_denied"
    assert "code" not in callback


def test_garbage_from_the_token_endpoint_is_classified(toy):
    _sandbox, url = toy
    client = oauth_client(ToyConnector, url)
    client.token_url = url + "/api/me"  # answers 401 JSON without a token
    with pytest.raises(ConnectorError) as raised:
        client.exchange_code("x", "y")
    assert raised.value.category in {ErrorCategory.AUTH_EXPIRED, ErrorCategory.REJECTED,
                                     ErrorCategory.APP_UNAVAILABLE}
    client.token_url = "http://127.0.0.1:9/token"
    with pytest.raises(ConnectorError) as raised:
        client.exchange_code("x", "y")
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE


class LockedStore:
    """A token store whose lock really excludes, as the product's Redis lock does."""

    def __init__(self, token: Token):
        self.token = token
        self._lock = threading.Lock()
        self.reconnect = None

    def load(self):
        return self.token

    def save(self, token):
        self.token = token

    @contextmanager
    def lock(self):
        with self._lock:
            yield

    def mark_needs_reconnect(self, error):
        self.reconnect = error


def _connected(url) -> tuple[OAuth2Auth, LockedStore]:
    client = oauth_client(ToyConnector, url)
    callback = consent(client, "admin@toy.example")
    store = LockedStore(client.exchange_code(callback["code"], callback["_verifier"]))
    return OAuth2Auth(client, store), store


def test_concurrent_refresh_happens_once(toy):
    sandbox, url = toy
    auth, store = _connected(url)
    stale = {"Authorization": f"Bearer {store.token.access_token}"}
    sandbox.expire_access_tokens()
    calls_before = sandbox.token_calls
    threads = [threading.Thread(target=auth.refresh, args=(stale,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sandbox.token_calls - calls_before == 1
    reply = requests.get(url + "/api/me", headers=auth.headers(), timeout=5)
    assert reply.status_code == 200


def test_token_close_to_expiry_is_refreshed_before_use(toy):
    _sandbox, url = toy
    auth, store = _connected(url)
    old = store.token
    store.token = Token(old.access_token, old.refresh_token, expires_at=time.time() + 5)
    headers = auth.headers()
    assert headers["Authorization"] != f"Bearer {old.access_token}"


def test_revoked_refresh_token_marks_the_connection_for_reconnect(toy):
    sandbox, url = toy
    auth, store = _connected(url)
    sandbox.revoke_refresh_tokens()
    with pytest.raises(NeedsReconnectError):
        auth.refresh({"Authorization": f"Bearer {store.token.access_token}"})
    assert store.reconnect is not None
    assert store.reconnect.category is ErrorCategory.AUTH_EXPIRED


def test_refresh_can_ask_for_another_resources_token(toy):
    sandbox, url = toy
    forms = []
    original = sandbox._token

    def spy(request):
        forms.append(request.form())
        return original(request)

    sandbox._token = spy
    auth, store = _connected(url)
    auth.scope = "https://org.example/user_impersonation offline_access"
    auth.refresh({"Authorization": f"Bearer {store.token.access_token}"})
    assert forms[-1]["grant_type"] == "refresh_token"
    assert forms[-1]["scope"] == "https://org.example/user_impersonation offline_access"
