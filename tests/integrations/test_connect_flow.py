"""Installing an app and connecting accounts: the happy path and every bad input."""

import pytest
import requests
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from connectors.sdk.sandbox import Response
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.integrations.tokens import DbTokenStore
from tests.kits.connect import connect_account, consent, start_install

pytestmark = pytest.mark.django_db(transaction=True)

APP_PAGE = "/integrations/toy/"


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _follow_message(client, response) -> str:
    assert response.status_code == 302
    assert response["Location"] == APP_PAGE
    return _messages(response)


def test_install_connects_the_account_and_lands_on_the_app_page(admin_client, toy_app, portal):
    response = connect_account(admin_client, "toy", "admin@toy.example")
    assert "“Toy Inc” is connected" in _follow_message(admin_client, response)
    connection = Connection.objects.get(portal=portal)
    assert (connection.app_key, connection.account_id, connection.status) == (
        "toy", "1", ConnectionStatus.CONNECTED)
    page = admin_client.get(APP_PAGE).content.decode()
    assert "Toy Inc" in page
    assert "Connected" in page


def test_a_second_account_of_the_same_app_lives_beside_the_first(admin_client, toy_app, portal):
    connect_account(admin_client, "toy", "admin@toy.example")
    connect_account(admin_client, "toy", "admin@two.example")
    accounts = sorted(Connection.objects.filter(portal=portal).values_list("account_name",
                                                                          flat=True))
    assert accounts == ["Toy Inc", "Toy Two"]


def test_denied_consent_connects_nothing(admin_client, toy_app):
    callback = consent(start_install(admin_client, "toy"), "admin@toy.example", decision="deny")
    response = admin_client.get(callback)
    assert "Access was denied" in _follow_message(admin_client, response)
    assert not Connection.objects.exists()


def test_an_error_parameter_is_shown_and_connects_nothing(admin_client, toy_app):
    url = start_install(admin_client, "toy")
    state = url.split("state=")[1].split("&")[0]
    response = admin_client.get(
        f"/integrations/toy/oauth/callback/?state={state}&error=server_error"
        "&error_description=Maintenance+window"
    )
    assert "Maintenance window" in _follow_message(admin_client, response)
    assert not Connection.objects.exists()


def test_a_wrong_state_connects_nothing(admin_client, toy_app):
    callback = consent(start_install(admin_client, "toy"), "admin@toy.example")
    forged = callback.replace("state=", "state=forged")
    assert "expired or was already used" in _follow_message(admin_client,
                                                            admin_client.get(forged))
    assert not Connection.objects.exists()


def test_a_replayed_callback_changes_nothing(admin_client, toy_app, portal):
    callback = consent(start_install(admin_client, "toy"), "admin@toy.example")
    admin_client.get(callback)
    before = Connection.objects.get(portal=portal)
    response = admin_client.get(callback)
    assert "expired or was already used" in _follow_message(admin_client, response)
    after = Connection.objects.get(portal=portal)
    assert after.token_ciphertext == before.token_ciphertext


def test_an_expired_or_reused_code_connects_nothing(admin_client, toy_app):
    callback = consent(start_install(admin_client, "toy"), "admin@toy.example")
    code = callback.split("code=")[1].split("&")[0]
    for grant in toy_app.codes.values():
        grant.expires_at = 0
    response = admin_client.get(callback)
    message = _follow_message(admin_client, response)
    assert "did not accept the sign-in" in message
    assert "expired" in message
    assert code
    assert not Connection.objects.exists()


@pytest.mark.parametrize(
    "failure",
    [
        Response(503, b"<html>Service Unavailable</html>", {"Content-Type": "text/html"}),
        Response(200, b"this is not json", {"Content-Type": "application/json"}),
        Response.json({"token_type": "Bearer"}),  # no access token in it
    ],
)
def test_a_failing_token_endpoint_connects_nothing(admin_client, toy_app, failure):
    callback = consent(start_install(admin_client, "toy"), "admin@toy.example")
    toy_app.token_failure = failure
    message = _follow_message(admin_client, admin_client.get(callback))
    assert "Nothing was connected" in message
    assert not Connection.objects.exists()


def test_connecting_the_same_account_twice_is_refused(admin_client, toy_app, portal):
    connect_account(admin_client, "toy", "admin@toy.example")
    first = Connection.objects.get(portal=portal)
    response = connect_account(admin_client, "toy", "admin@toy.example")
    assert "already connected" in _follow_message(admin_client, response)
    assert list(Connection.objects.filter(portal=portal)) == [first]
    assert Connection.objects.get().token_ciphertext == first.token_ciphertext


def test_a_user_of_another_portal_replaying_a_callback_gets_nothing(
    admin_client, outsider_client, toy_app, portal, other_portal
):
    callback = consent(start_install(admin_client, "toy"), "admin@toy.example")
    response = outsider_client.get(callback)
    assert "expired or was already used" in _follow_message(outsider_client, response)
    assert not Connection.objects.exists()
    # The rightful user can still finish their own flow.
    admin_client.get(callback)
    assert Connection.objects.get().portal == portal


def test_reconnect_refreshes_the_token_of_the_same_account(admin_client, toy_app, portal):
    connect_account(admin_client, "toy", "admin@toy.example")
    connection = Connection.objects.get()
    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.save()
    old_token = DbTokenStore(connection).load()
    connect_account(admin_client, "toy", "admin@toy.example", reconnect=connection.pk)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.CONNECTED
    assert DbTokenStore(connection).load().access_token != old_token.access_token
    assert Connection.objects.count() == 1


def test_reconnect_with_a_different_account_changes_nothing(admin_client, toy_app):
    connect_account(admin_client, "toy", "admin@toy.example")
    connection = Connection.objects.get()
    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.save()
    response = connect_account(admin_client, "toy", "admin@two.example", reconnect=connection.pk)
    assert "this connection is for Toy Inc" in _follow_message(admin_client, response)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.NEEDS_RECONNECT
    assert Connection.objects.count() == 1


def test_disconnect_revokes_the_token_and_keeps_the_connection_row(admin_client, toy_app):
    connect_account(admin_client, "toy", "admin@toy.example")
    connection = Connection.objects.get()
    token = DbTokenStore(connection).load()
    response = admin_client.post(
        reverse("integrations:disconnect", args=["toy", connection.pk]))
    assert "is disconnected" in _follow_message(admin_client, response)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.DISCONNECTED
    assert connection.token_ciphertext == ""
    refresh = requests.post(toy_app_url(admin_client) + "/oauth/token", timeout=5, data={
        "grant_type": "refresh_token", "refresh_token": token.refresh_token,
        "client_id": "syncapp-sandbox-client", "client_secret": "syncapp-sandbox-secret",
    })
    assert refresh.json()["error"] == "invalid_grant"


def toy_app_url(client) -> str:
    return settings.SITE_URL + "/sandbox/toy"


def test_disconnecting_another_portals_account_is_a_404(admin_client, outsider_client, toy_app):
    connect_account(admin_client, "toy", "admin@toy.example")
    connection = Connection.objects.get()
    response = outsider_client.post(
        reverse("integrations:disconnect", args=["toy", connection.pk]))
    assert response.status_code == 404
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.CONNECTED


def test_reconnecting_another_portals_account_is_a_404(admin_client, outsider_client, toy_app):
    connect_account(admin_client, "toy", "admin@toy.example")
    connection = Connection.objects.get()
    response = outsider_client.post(reverse("integrations:install", args=["toy"]),
                                    {"reconnect": connection.pk})
    assert response.status_code == 404


def test_without_the_marketplace_permission_pages_are_read_only(member_client, toy_app):
    listing = member_client.get(reverse("integrations:listing", args=["toy"])).content.decode()
    assert "needs the “App Marketplace” permission" in listing
    assert 'data-open-dialog="install-dialog"' not in listing
    for response in (
        member_client.post(reverse("integrations:install", args=["toy"])),
        member_client.get("/integrations/toy/oauth/callback/?state=x&code=y"),
        member_client.post(reverse("integrations:disconnect", args=["toy", 1])),
    ):
        assert response.status_code == 403
        assert "App Marketplace" in response.content.decode()
    assert not Connection.objects.exists()


def test_the_marketplace_permission_alone_may_connect(marketer, toy_app, client):
    client.force_login(marketer.user)
    connect_account(client, "toy", "admin@toy.example")
    assert Connection.objects.get().connected_by == marketer.user


def test_get_is_refused_on_mutating_urls(admin_client, toy_app):
    assert admin_client.get(reverse("integrations:install", args=["toy"])).status_code == 405
    assert admin_client.get(
        reverse("integrations:disconnect", args=["toy", 1])).status_code == 405
