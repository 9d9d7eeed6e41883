"""Connecting a PostgreSQL table from the marketplace: the DSN form (POST with CSRF,
App Marketplace permission, one portal), what is stored, and a clear 400 for every
bad input, with nothing stored."""

import html
import socket

import pytest
from django.test import Client
from django.urls import reverse

from syncapp.integrations.crypto import decrypt_json
from syncapp.integrations.models import Connection
from tests.connectors.postgres import kit

pytestmark = pytest.mark.django_db

CONNECT = reverse("integrations:dsn_connect", args=["postgres"])


def post(client, dsn_text=None, **choice):
    data = {"dsn": kit.dsn() if dsn_text is None else dsn_text, "object": "public.users",
            "hub_object": "contact", **choice}
    return client.post(CONNECT, data)


def error_of(response) -> str:
    assert response.status_code == 400, response.status_code
    assert not Connection.objects.exists()  # nothing stored
    return html.unescape(response.content.decode())


def test_install_leads_to_the_connect_form(admin_client):
    response = admin_client.post(reverse("integrations:install", args=["postgres"]))
    assert response["Location"] == CONNECT
    page = admin_client.get(CONNECT).content.decode()
    assert 'type="password"' in page and "Table or view" in page


def test_a_table_connects_and_the_dsn_is_kept_encrypted_never_shown(admin_client, users_table):
    response = post(admin_client)
    connection = Connection.objects.get()
    assert response["Location"] == reverse("integrations:account_setup",
                                           args=["postgres", connection.pk])
    assert decrypt_json(connection.token_ciphertext) == {"dsn": kit.dsn()}
    assert kit.dsn() not in connection.token_ciphertext
    assert connection.account_extra["table"]["pk"] == "id"
    assert connection.account_extra["deletes"] == "key_diff"
    page = admin_client.get(response["Location"]).content.decode()
    assert "nightly key comparison" in page and "CREATE TRIGGER syncapp_log_delete" in page
    app_page = admin_client.get(reverse("integrations:app", args=["postgres"])).content.decode()
    assert response["Location"] in app_page  # "Table and deleted rows"
    for listing in (page, app_page):
        assert kit.dsn() not in listing


def test_only_marketplace_admins_of_the_portal_may_connect(member_client, outsider_client,
                                                           admin, users_table):
    assert post(member_client).status_code == 403
    post(outsider_client)  # connects in the outsider's own portal only
    assert not Connection.objects.filter(portal=admin.portal).exists()
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(admin.user)
    assert post(csrf).status_code == 403


def test_a_host_not_allowed_is_refused(admin_client, users_table, settings):
    settings.SYNC_POSTGRES_ALLOWED_HOSTS = []
    assert "private or local address" in error_of(post(admin_client))


def test_an_unreachable_database_says_so(admin_client, users_table):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    assert "could not be reached" in error_of(post(admin_client, kit.dsn(port=port)))


def test_a_user_the_database_refuses_says_so(admin_client, users_table):
    text = error_of(post(admin_client, kit.dsn(user="nobody_pgtable")))
    assert "does not let “nobody_pgtable” sign in" in text


def test_a_dsn_that_is_not_one_says_how_to_write_it(admin_client):
    assert "postgresql://user:password@host" in error_of(post(admin_client, "not a dsn"))
    assert "may not set “sslkey”" in error_of(
        post(admin_client, kit.dsn() + "?sslkey=/etc/shadow"))


def test_a_missing_table_lists_the_readable_ones(admin_client, users_table):
    text = error_of(post(admin_client, object="public.people"))
    assert "no table or view “public.people”" in text and "public.users" in text


def test_a_table_without_a_primary_key_is_refused(admin_client, users_table):
    kit.sql("CREATE TABLE nokey (email text, updated_at timestamptz)")
    try:
        assert "has no primary key" in error_of(post(admin_client, object="nokey"))
    finally:
        kit.sql("DROP TABLE nokey")


def test_an_updated_at_column_of_the_wrong_type_is_refused(admin_client, users_table):
    text = error_of(post(admin_client, updated_at="email"))
    assert "“email” is of type text" in text and "must be a timestamp" in text


def test_a_user_without_select_is_told_to_grant_it(admin_client, users_table):
    text = error_of(post(admin_client, kit.dsn(user=kit.role("blind"))))
    assert "no table or view “public.users”" in text or "grant it SELECT" in text


def test_wrong_password_wording():
    """Trust authentication on the test server accepts any password, so the wording is
    checked on the error psycopg raises for a refused password."""
    import psycopg

    from connectors.postgres.dsn import Target
    from connectors.postgres.session import connect_error

    refused = psycopg.OperationalError('FATAL:  password authentication failed for user "u"')
    error = connect_error(Target({}, "db.example", 5432, "app", "u"), refused)
    assert error.category == "auth_expired" and "wrong password" in error.message
