"""Personas and clients shared by every test.

The database is real Postgres (DATABASE_URL, or the embedded one that
`python -m syncapp.devstack test` starts); Redis likewise.
"""

import time
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, TransactionTestCase
from django.test.testcases import LiveServerThread

from syncapp.accounts.services import add_member, create_portal
from syncapp.core.devserver import NoDelayThreadedWSGIServer
from tests.kits import flush, waits

# Fixtures for tests that connect app accounts (toy_app, …).
# The browser (one Playwright session for the run) of tests/browser and tests/e2e.
# The markers' rules, checked at collection (tests/README.md, "Markers").
pytest_plugins = ["tests.kits.connect", "tests.kits.engine", "tests.kits.browser",
                  "tests.kits.markers"]

# The live server answers workers' pooled connections as `make run`'s does: at once.
LiveServerThread.server_class = NoDelayThreadedWSGIServer
# A transactional test's rows are deleted, not every table truncated (tests/kits/flush.py).
TransactionTestCase._fixture_teardown = flush.fixture_teardown

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _language_of_the_settings():
    """A page asked for in Portuguese leaves its language active in the test's thread
    (the locale middleware activates it for the request and nothing switches back):
    every test starts, and ends, in the settings' language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_login_throttle():
    """Every test signs in from 127.0.0.1: one test's failed logins (the crawl sends many)
    must not lock the next test out. Only the throttle's keys are dropped."""
    yield
    from django.core.cache import cache

    from syncapp.accounts.throttle import PREFIX
    from syncapp.core.queue import UNREACHABLE

    try:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(cache.make_key(f"{PREFIX}:*")))
        if keys:
            client.delete(*keys)
    except UNREACHABLE:
        pass


@pytest.fixture
def portal(db):
    return create_portal("Acme Corp")


@pytest.fixture
def other_portal(db):
    return create_portal("Globex")


def _client_for(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def admin(portal):
    """A super admin of `portal`."""
    return add_member(portal, "admin@acme.test", PASSWORD, is_super_admin=True)


@pytest.fixture
def marketer(portal):
    """Holds only the App Marketplace permission."""
    return add_member(portal, "apps@acme.test", PASSWORD, can_marketplace=True)


@pytest.fixture
def ops(portal):
    return add_member(portal, "ops@acme.test", PASSWORD, can_view_health=True)


@pytest.fixture
def operator(db):
    """A staff superuser of the installation (the Django admin's user), in no portal.
    Shaped like the personas (`.user`) so role-parametrized tests take it too."""
    user = get_user_model().objects.create_superuser("root@install.test", "root@install.test",
                                                     PASSWORD)
    return SimpleNamespace(user=user)


@pytest.fixture
def support(portal):
    return add_member(portal, "support@acme.test", PASSWORD, can_support=True)


@pytest.fixture
def member(portal):
    """A plain member: uses the CRM, holds no special permission."""
    return add_member(portal, "member@acme.test", PASSWORD)


@pytest.fixture
def outsider(other_portal):
    """A super admin of another portal: must never see anything of `portal`."""
    return add_member(other_portal, "admin@globex.test", PASSWORD, is_super_admin=True)


@pytest.fixture
def admin_client(admin) -> Client:
    return _client_for(admin)


@pytest.fixture
def member_client(member) -> Client:
    return _client_for(member)


@pytest.fixture
def outsider_client(outsider) -> Client:
    return _client_for(outsider)


@pytest.fixture
def ops_client(ops) -> Client:
    return _client_for(ops)


@pytest.fixture
def support_client(support) -> Client:
    return _client_for(support)


@pytest.fixture
def marketer_client(marketer) -> Client:
    return _client_for(marketer)


def pytest_sessionstart(session):
    session.config._syncapp_started = time.time()


def pytest_terminal_summary(terminalreporter, config):
    """The propagation waits this session measured (tests/inbound/test_propagation.py)."""
    started = getattr(config, "_syncapp_started", 0.0)
    if waits.ARTIFACT.exists() and waits.ARTIFACT.stat().st_mtime >= started:
        terminalreporter.section("change propagation (test-artifacts/waits.jsonl)")
        for line in waits.summary():
            terminalreporter.write_line(line)
