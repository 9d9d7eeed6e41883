"""Connection tokens: encrypted at rest, never logged, refreshed once across workers."""

import logging
import multiprocessing

import pytest
import requests
from django.db import connection as db
from django.db import connections

from connectors.sdk import NeedsReconnectError, OAuth2Auth
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.integrations.tokens import DbTokenStore, store_token
from tests.kits.sandbox import connect, oauth_client, sandbox_server
from tests.kits.toy import ToyConnector, ToySandbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def toy():
    sandbox = ToySandbox()
    with sandbox_server(sandbox) as url:
        yield sandbox, url


def _connection(portal, token) -> Connection:
    row = Connection(portal=portal, app_key="toy", account_id="1", account_name="Toy Inc")
    store_token(row, token)
    row.save()
    return row


def test_tokens_are_not_readable_in_the_database(portal, toy):
    _sandbox, url = toy
    token = connect(ToyConnector, url, "admin@toy.example")
    row = _connection(portal, token)
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM integrations_connection WHERE id = %s", [row.pk])
        stored = " ".join(str(value) for value in cursor.fetchone())
    assert token.access_token not in stored
    assert token.refresh_token not in stored
    assert DbTokenStore(row).load() == token
    assert token.access_token not in repr(row)


def test_tokens_never_reach_the_logs(portal, toy, caplog):
    sandbox, url = toy
    # Whatever earlier tests or libraries configured, hear everything here.
    caplog.set_level(logging.DEBUG)
    for logger in logging.Logger.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False
    for name in ("urllib3", "authlib", "syncapp"):
        caplog.set_level(logging.DEBUG, logger=name)
    token = connect(ToyConnector, url, "admin@toy.example")
    row = _connection(portal, token)
    auth = OAuth2Auth(oauth_client(ToyConnector, url), DbTokenStore(row))
    sandbox.expire_access_tokens()
    auth.refresh({"Authorization": f"Bearer {token.access_token}"})
    fresh = DbTokenStore(row).load()
    requests.get(url + "/api/me", headers=auth.headers(), timeout=5)
    assert "token refreshed" in caplog.text, "the refresh was not logged: the test proves nothing"
    for secret in (token.access_token, token.refresh_token, fresh.access_token,
                   fresh.refresh_token):
        assert secret not in caplog.text


def _refresh_in_a_worker(connection_id: int, url: str, stale: str, barrier) -> None:
    connections.close_all()  # a forked child must open its own database connection
    row = Connection.objects.get(pk=connection_id)
    auth = OAuth2Auth(oauth_client(ToyConnector, url), DbTokenStore(row))
    barrier.wait(timeout=20)
    auth.refresh({"Authorization": f"Bearer {stale}"})


def test_two_workers_refreshing_at_once_call_the_token_endpoint_once(portal, toy):
    sandbox, url = toy
    token = connect(ToyConnector, url, "admin@toy.example")
    row = _connection(portal, token)
    sandbox.expire_access_tokens()
    calls_before = sandbox.token_calls
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(3)
    workers = [
        context.Process(target=_refresh_in_a_worker,
                        args=(row.pk, url, token.access_token, barrier))
        for _ in range(3)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0]
    assert sandbox.token_calls - calls_before == 1
    fresh = DbTokenStore(row).load()
    assert requests.get(url + "/api/me", timeout=5,
                        headers={"Authorization": f"Bearer {fresh.access_token}"}).ok


def test_a_refused_refresh_token_marks_the_connection_needs_reconnect(portal, toy):
    sandbox, url = toy
    token = connect(ToyConnector, url, "admin@toy.example")
    row = _connection(portal, token)
    auth = OAuth2Auth(oauth_client(ToyConnector, url), DbTokenStore(row))
    sandbox.expire_access_tokens()
    sandbox.revoke_refresh_tokens()
    with pytest.raises(NeedsReconnectError):
        auth.refresh({"Authorization": f"Bearer {token.access_token}"})
    row.refresh_from_db()
    assert row.status == ConnectionStatus.NEEDS_RECONNECT
    assert row.last_error_category == "auth_expired"
    assert "revoked" in row.last_error_message
