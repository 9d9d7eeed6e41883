"""An app for engine tests: a vendor's sandbox on real HTTP, connected through OAuth.

Tests change the app the way the vendor's users would, through its API (the
connector's own create/update/delete), and run the engine as Celery would.
"""

from dataclasses import dataclass

import pytest

from connectors.sdk import HttpClient, OAuth2Auth
from connectors.sdk.registry import load
from syncapp.engine.runner import DONE, SyncRunner
from syncapp.integrations.models import Connection
from syncapp.integrations.tokens import DbTokenStore, store_token
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import ObjectSync, SyncState
from tests.connectors.harness import connect, oauth_client, sandbox_server


@dataclass
class App:
    cls: type
    sandbox: object
    url: str
    connection: Connection

    def connector(self):
        auth = OAuth2Auth(oauth_client(self.cls, self.url), DbTokenStore(self.connection))
        return self.cls(HttpClient(auth=auth, sleep=lambda s: None),
                        api_bases=self.cls.sandbox_bases(self.url),
                        account=self.connection.account_extra)

    # --- what the vendor's users do ---------------------------------------------------

    def all(self, object_name: str) -> dict[str, dict]:
        connector, cursor, found = self.connector(), None, {}
        while True:
            page = connector.read_changes(object_name, cursor, limit=100)
            found.update({r.id: r.values for r in page.records})
            cursor = page.cursor or cursor
            if page.done:
                return found

    def clear(self, object_name: str) -> None:
        ids = list(self.all(object_name))
        for start in range(0, len(ids), 100):
            self.connector().delete(object_name, ids[start:start + 100])

    def create(self, object_name: str, **values) -> str:
        (outcome,) = self.connector().create(object_name, [("t", values)])
        assert outcome.ok, outcome.error
        return outcome.record.id

    def update(self, object_name: str, app_id: str, **values) -> None:
        (outcome,) = self.connector().update(object_name, [(app_id, values)])
        assert outcome.ok, outcome.error

    def delete(self, object_name: str, app_id: str) -> None:
        self.connector().delete(object_name, [app_id])

    def get(self, object_name: str, app_id: str) -> dict | None:
        found = self.connector().read_by_ids(object_name, [app_id])
        return found[0].values if found else None


def open_app(connector_cls, portal, login: str):
    sandbox = load(connector_cls.sandbox)()
    server = sandbox_server(sandbox)
    url = server.__enter__()
    token = connect(connector_cls, url, login)
    connection = Connection(portal=portal, app_key=connector_cls.spec.key, account_id=login,
                            account_name=login, account_extra=dict(token.extra))
    store_token(connection, token)
    connection.save()
    return App(connector_cls, sandbox, url, connection), server


def make_sync(app: App, app_object: str, **settings) -> ObjectSync:
    sync = create_object_sync(app.connection, app_object, app.cls, **settings)
    sync.state = SyncState.ON
    sync.save()
    return sync


def run(app: App, sync: ObjectSync, max_slices: int = 50) -> None:
    """Run until the engine says it is done (as the Celery task would, slice by slice)."""
    for _ in range(max_slices):
        sync.refresh_from_db()
        if SyncRunner(sync, connector=app.connector(), batch=50).run_for(60) == DONE:
            sync.refresh_from_db()
            return
    raise AssertionError("the run never finished")


@pytest.fixture
def hubspot(portal):
    from connectors.hubspot import HubSpotConnector

    app, server = open_app(HubSpotConnector, portal, "admin@acmecorp.example")
    yield app
    server.__exit__(None, None, None)
