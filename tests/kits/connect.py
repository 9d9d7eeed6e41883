"""Connecting app accounts in tests the way a person does, against a live sandbox."""

from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from connectors.sdk import registry
from syncapp.integrations import sandbox_state
from tests.kits.toy import ToyConnector


@contextmanager
def served_sandbox(app_key: str, live_server, settings):
    """`app_key`'s sandbox served by the live server (SITE_URL points at it), fresh for
    the test: the fixtures of tests that connect an app through its consent page."""
    settings.SITE_URL = live_server.url
    settings.SANDBOXES_ENABLED = True
    sandbox_state.reset()
    try:
        yield sandbox_state.in_process(app_key)
    finally:
        sandbox_state.reset()


@pytest.fixture
def toy_app(monkeypatch, live_server, settings):
    """The toy connector installed, its sandbox served by the live server."""
    installed = registry.connectors()
    monkeypatch.setattr(registry, "connectors", lambda: {**installed, "toy": ToyConnector})
    settings.SITE_URL = live_server.url
    settings.SANDBOXES_ENABLED = True
    sandbox_state.reset()
    yield sandbox_state.in_process("toy")
    sandbox_state.reset()


def start_install(client, app_key: str, **post) -> str:
    """Press Next in the Install dialog; returns the vendor consent URL."""
    response = client.post(reverse("integrations:install", args=[app_key]), post)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def consent(authorize_url: str, login: str, decision: str = "allow") -> str:
    """Log in on the sandbox's consent page and decide; returns the callback path+query."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    form = {**params, "login": login, "password": "sandbox", "decision": decision}
    target = authorize_url.split("?", maxsplit=1)[0]
    reply = requests.post(target, data=form, allow_redirects=False, timeout=10)
    assert reply.status_code == 302, reply.text[:300]
    callback = urlsplit(reply.headers["Location"])
    return f"{callback.path}?{callback.query}"


def connect_account(client, app_key: str, login: str, **post):
    """The whole flow; returns the response of the callback (a redirect)."""
    return client.get(consent(start_install(client, app_key, **post), login))
