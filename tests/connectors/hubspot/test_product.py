"""HubSpot through the product: install, consent, connect, sync a page, disconnect."""

import pytest
from django.urls import reverse

from syncapp.integrations import sandbox_state
from syncapp.integrations.catalog import build_connector
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.integrations.tokens import DbTokenStore
from tests.kits.connect import connect_account

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hubspot_app(live_server, settings):
    """HubSpot's sandbox served by the live server, as `make run` serves it."""
    settings.SITE_URL = live_server.url
    settings.SANDBOXES_ENABLED = True
    sandbox_state.reset()
    yield sandbox_state.in_process("hubspot")
    sandbox_state.reset()


def test_a_hubspot_portal_connects_syncs_and_disconnect_revokes(admin_client, hubspot_app,
                                                                portal):
    connect_account(admin_client, "hubspot", "admin@acmecorp.example")
    connection = Connection.objects.get(portal=portal)
    assert (connection.account_id, connection.account_name) == ("4410001", "acmecorp.example")
    assert connection.account_extra["hub_id"] == "4410001"

    page = build_connector(connection).read_changes("contacts", None, limit=100)
    assert any(r.values["email"] == "Deanna.Floyd@RothCollins.co" for r in page.records)

    refresh_token = DbTokenStore(connection).load().refresh_token
    admin_client.post(reverse("integrations:disconnect", args=["hubspot", connection.pk]))
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DISCONNECTED
    assert refresh_token not in hubspot_app.refresh_tokens


def test_the_second_hubspot_portal_is_a_second_connection(admin_client, hubspot_app, portal):
    connect_account(admin_client, "hubspot", "admin@acmecorp.example")
    connect_account(admin_client, "hubspot", "admin@globex.example")
    assert sorted(Connection.objects.filter(portal=portal).values_list(
        "account_id", flat=True)) == ["4410001", "4410002"]
