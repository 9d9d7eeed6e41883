"""Fixtures of the sync setup wizard's tests: a Pipedrive account connected the way a
person connects it (OAuth consent on the sandbox served by the live server)."""

import pytest

from syncapp.crm.properties import create_custom_property
from syncapp.integrations import sandbox_state
from syncapp.integrations.models import Connection
from syncapp.syncs import tasks
from syncapp.syncs.wizard import preview
from tests.integration_kit import connect_account

PIPEDRIVE_LOGIN = "admin@northwind.example"


@pytest.fixture
def live_pipedrive(live_server, settings):
    """Pipedrive's sandbox served by the live server, fresh for each test."""
    settings.SITE_URL = live_server.url
    settings.SANDBOXES_ENABLED = True
    sandbox_state.reset()
    yield sandbox_state.in_process("pipedrive")
    sandbox_state.reset()


@pytest.fixture
def connection(admin_client, live_pipedrive, portal) -> Connection:
    """The portal's Pipedrive account, connected through the real install flow."""
    connect_account(admin_client, "pipedrive", PIPEDRIVE_LOGIN)
    return Connection.objects.get(portal=portal, app_key="pipedrive")


@pytest.fixture
def hub_lead_source(portal):
    """Syncapp's own “Lead source” dropdown, with the options Pipedrive's has."""
    return create_custom_property(portal, "contact", label="Lead source", kind="enumeration",
                                  options_text="Inbound\nOutbound\nReferral\nEvent")


@pytest.fixture(autouse=True)
def enqueued(monkeypatch) -> list[int]:
    """Object syncs whose run was enqueued; dry runs are computed at once, as a worker
    would. These tests run with a live server, hence in autocommit (on_commit fires at
    once), and the shared broker must not receive tasks another test run's worker
    could take."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.run_sync, "delay", sent.append)
    monkeypatch.setattr(tasks.dry_run, "delay", preview.run_and_store)
    return sent
