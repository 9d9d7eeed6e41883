"""An app for engine tests: a vendor's sandbox on real HTTP, connected through OAuth.

Tests change the app the way the vendor's users would, through its API (the
connector's own create/update/delete), and run the engine as Celery would.
"""

import time
from dataclasses import dataclass

import pytest

from connectors.hubspot.sandbox.validate import HubSpotError
from connectors.sdk import HttpClient, OAuth2Auth
from connectors.sdk.registry import load
from syncapp.crm.changelog import visible_horizon
from syncapp.crm.models import ChangeLogEntry
from syncapp.integrations.models import Connection
from syncapp.integrations.tokens import DbTokenStore, store_token
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, Run, RunKind, RunStatus, SyncState
from syncapp.syncs.run import executor
from syncapp.syncs.run.runner import DONE, SyncRunner
from tests.kits.sandbox import connect, oauth_client, sandbox_server


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

    def undelete(self, object_name: str, app_id: str) -> bool:
        """HubSpot's recycle bin: a deleted record comes back with its id, unless a live
        contact has its email by now. No API call does it (people click), so this works
        on the sandbox's store."""
        with self.sandbox.lock:
            for account in self.sandbox.accounts.values():
                record = account.table(object_name).get(app_id)
                if record is None or record["archivedAt"] is None:
                    continue
                try:
                    account.prepare(object_name, {"email": record["properties"].get("email")},
                                    creating=False, exclude=app_id)
                except HubSpotError:
                    return False
                record["archivedAt"] = None
                account.apply(object_name, record, {})
                return True
        return False

    def get(self, object_name: str, app_id: str) -> dict | None:
        found = self.connector().read_by_ids(object_name, [app_id])
        return found[0].values if found else None


def connect_account(connector_cls, portal, url: str, login: str) -> Connection:
    """A connection of `portal` to the sandbox account `login`, through real OAuth."""
    token = connect(connector_cls, url, login)
    connection = Connection(portal=portal, app_key=connector_cls.spec.key, account_id=login,
                            account_name=login, account_extra=dict(token.extra))
    store_token(connection, token)
    connection.save()
    return connection


def open_app(connector_cls, portal, login: str, sandbox=None):
    sandbox = sandbox or load(connector_cls.sandbox)()
    server = sandbox_server(sandbox)
    url = server.__enter__()
    return App(connector_cls, sandbox, url, connect_account(connector_cls, portal, url, login)), \
        server


def make_sync(app: App, app_object: str, **settings) -> ObjectSync:
    sync = create_object_sync(app.connection, app_object, app.cls, **settings)
    sync.state = SyncState.ON
    sync.save()
    return sync


def five_contacts(app: App) -> ObjectSync:
    """A contacts sync of an app that holds five contacts and nothing else."""
    app.clear("contacts")
    for n in range(5):
        app.create("contacts", email=f"p{n}@acme.test")
    return make_sync(app, "contacts")


def seen_at_commits(monkeypatch, probe) -> list:
    """What `probe()` gives as each batch of the runs that follow starts its commit: a
    setting of the process that a run changes for its own time (the GIL's switch
    interval, the collector's thresholds)."""
    seen: list = []
    commit = executor.commit
    monkeypatch.setattr(executor, "commit", lambda *args: (seen.append(probe()), commit(*args)))
    return seen


def settle(portal, timeout: float = 60) -> None:
    """Wait until every hub change is visible to the change-log reader, which takes only
    rows of transactions older than the oldest one still running, in any database."""
    newest = (ChangeLogEntry.objects.filter(portal=portal).order_by("-txid")
              .values_list("txid", flat=True).first())
    deadline = time.monotonic() + timeout
    while newest is not None and visible_horizon() <= newest:
        assert time.monotonic() < deadline, "a transaction elsewhere holds the horizon back"
        time.sleep(0.05)


def run(app: App, sync: ObjectSync, max_slices: int = 50, batch: int = 50) -> None:
    """Run until the engine says it is done (as the Celery task would, slice by slice)."""
    for _ in range(max_slices):
        sync.refresh_from_db()
        if SyncRunner(sync, connector=app.connector(), batch=batch).run_for(60) == DONE:
            sync.refresh_from_db()
            return
    raise AssertionError("the run never finished")


@pytest.fixture
def hubspot(portal):
    from connectors.hubspot import HubSpotConnector

    app, server = open_app(HubSpotConnector, portal, "admin@acmecorp.example")
    yield app
    server.__exit__(None, None, None)


@pytest.fixture
def pipedrive(portal):
    from connectors.pipedrive import PipedriveConnector

    app, server = open_app(PipedriveConnector, portal, "admin@northwind.example")
    yield app
    server.__exit__(None, None, None)


def initial_run(sync) -> Run | None:
    """The latest run of the initial sync (a paused one is followed by another)."""
    return Run.objects.filter(object_sync=sync, kind=RunKind.INITIAL).order_by("-id").first()


def settled(sync) -> bool:
    """The initial sync has finished, no create is left pending, and a later run found
    nothing more to do (what the worker-kill and fault runs wait for)."""
    initial = initial_run(sync)
    # Unsettled: it ended before the creates a killed worker announced were settled.
    if initial is None or initial.status not in (RunStatus.SUCCEEDED, RunStatus.UNSETTLED):
        return False
    if Link.objects.filter(object_sync=sync, status=LinkStatus.PENDING).exists():
        return False
    return Run.objects.filter(object_sync=sync, kind=RunKind.INCREMENTAL,
                              status=RunStatus.SUCCEEDED,
                              started_at__gt=initial.finished_at).exists()
