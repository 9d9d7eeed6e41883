"""A Pipedrive account connected the way a person connects it (OAuth consent on the sandbox
served by the live server): fixtures the wizard's and the inbound tests' conftests import."""

import pytest

from syncapp.integrations.models import Connection
from tests.kits.connect import connect_account, served_sandbox

PIPEDRIVE_LOGIN = "admin@northwind.example"


@pytest.fixture
def live_pipedrive(live_server, settings):
    """Pipedrive's sandbox served by the live server, fresh for each test."""
    with served_sandbox("pipedrive", live_server, settings) as sandbox:
        yield sandbox


@pytest.fixture
def connection(admin_client, live_pipedrive, portal) -> Connection:
    """The portal's Pipedrive account, connected through the real install flow."""
    connect_account(admin_client, "pipedrive", PIPEDRIVE_LOGIN)
    return Connection.objects.get(portal=portal, app_key="pipedrive")
