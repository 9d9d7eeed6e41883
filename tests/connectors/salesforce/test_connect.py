"""Connecting a Salesforce org from the App Marketplace, through the sandbox the product
serves under /sandbox/salesforce/: consent with PKCE, the org named from userinfo, and
the instance_url kept for the connector."""

import pytest
from django.urls import reverse

from syncapp.integrations.models import Connection
from tests.connectors.salesforce.kit import LOGIN
from tests.kits.connect import connect_account, served_sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_connects_a_salesforce_org_from_the_marketplace(admin_client, live_server,
                                                                  settings, portal):
    with served_sandbox("salesforce", live_server, settings):
        callback = connect_account(admin_client, "salesforce", LOGIN)
        assert callback.status_code == 302
        connection = Connection.objects.get(portal=portal, app_key="salesforce")
        assert connection.account_id == "00DRO0000000001AAA"
        assert connection.account_name == "Globex Corporation"
        assert connection.account_extra["instance_url"].endswith("/sandbox/salesforce")
        page = admin_client.get(reverse("integrations:app", args=["salesforce"]))
        assert "Globex Corporation" in page.content.decode()
