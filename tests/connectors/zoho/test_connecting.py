"""Connecting a Zoho organization through the product: its data centre is kept and used."""

import pytest
from django.contrib.messages import get_messages

from syncapp.integrations.catalog import build_connector
from syncapp.integrations.models import Connection
from tests.connectors.zoho.kit import EU
from tests.kits.connect import consent, served_sandbox, start_install

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def zoho(live_server, settings):
    with served_sandbox("zoho", live_server, settings) as sandbox:
        yield sandbox


def test_an_eu_organization_connects_and_refreshes_at_the_eu_accounts_server(
        admin_client, zoho, portal):
    response = admin_client.get(consent(start_install(admin_client, "zoho"), EU))
    assert response.status_code == 302
    connection = Connection.objects.get(portal=portal, app_key="zoho")
    assert (connection.account_name, connection.account_extra["location"]) == (
        "Zylker GmbH", "eu")
    assert connection.account_extra["web_domain"] == "https://crm.zoho.eu"
    zoho.expire_access_tokens()
    connector = build_connector(connection)
    assert "/accounts.zoho.eu/" in connector.http.auth.client.token_url
    names = {r.values["Last_Name"] for r in connector.read_changes("Contacts", None).records}
    assert names == {"Vogel"}  # read after a refresh the EU server answered


# A live server with a transactional database: ~15 s under load; the refusal itself is
# covered in make test by test_data_centres.py.
@pytest.mark.soak
def test_a_redirect_whose_accounts_server_is_not_its_data_centres_connects_nothing(
        admin_client, zoho, portal):
    callback = consent(start_install(admin_client, "zoho"), EU)
    forged = callback.replace("accounts.zoho.eu", "accounts.zoho.com")
    response = admin_client.get(forged)
    assert response.status_code == 302
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Zoho CRM sent the sign-in back with details that do not add up" in shown
    assert "outside its data centre" in shown
    assert not Connection.objects.filter(portal=portal).exists()
