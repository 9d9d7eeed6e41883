"""Faults against the real second database: a database that drops a third of the
statements' connections (some after the statement committed) ends with every person
once on each side and every pair in sync, as tests/engine/test_faults.py asks of
HubSpot. A smoke in `make test`, a long run in `make soak`; the SIGKILLed worker is
test_killed_worker.py.
"""

import random
from contextlib import contextmanager

import pytest
from django.db import connection as django_connection

from connectors.postgres import PostgresConnector
from connectors.sdk import ConnectorError, ErrorCategory
from syncapp.accounts.services import create_portal
from syncapp.crm.models import Record
from syncapp.crm.services import bulk_create_records
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, Run, RunStatus
from syncapp.syncs.run.runner import DONE, SyncRunner
from tests.connectors.postgres import kit
from tests.kits.soak import by_run

pytestmark = pytest.mark.django_db(transaction=True)
OBJ = "public.users"


def seeded(n: int, name: str):
    """n users in the table, n hub contacts; n/2 people on both sides (their email in
    capitals in the hub), and a two-way sync between them, as a draft."""
    portal = create_portal(f"Pg faults {name}")
    kit.sql("INSERT INTO users (email, first_name, updated_at) SELECT 'p' || i || "
            "'@pg.example', 'Row' || i, now() - interval '1 day' FROM generate_series(0, %s) i",
            (n - 1,))
    bulk_create_records(portal, "contact", [
        {"email": f"P{i}@PG.example" if i < n else f"p{i}@pg.example", "lastname": f"Hub{i}"}
        for i in range(n // 2, n + n // 2)])
    app = kit.connect(portal)
    from syncapp.syncs.configure import create_object_sync

    sync = create_object_sync(app.connection, OBJ, PostgresConnector, winner="hub",
                              poll_interval_s=5)
    return sync, app


def assert_complete(sync, n: int) -> None:
    everyone = n + n // 2
    emails = [row[0] for row in kit.sql("SELECT lower(email) FROM users")]
    assert len(emails) == len(set(emails)) == everyone  # nobody twice in the table
    hub = Record.objects.filter(portal=sync.portal, object_type="contact").live()
    assert hub.count() == len(set(hub.values_list("email_key", flat=True))) == everyone
    statuses = list(Link.objects.filter(object_sync=sync).values_list("status", flat=True))
    assert statuses == [LinkStatus.IN_SYNC] * everyone, set(statuses)
    # The hub's last names reached every row the hub holds too (the table-only half
    # has none).
    assert kit.sql("SELECT count(*) FROM users WHERE last_name IS NULL") == [(n // 2,)]


# --- a database that drops connections -------------------------------------------------


class DroppingDatabase(PostgresConnector):
    """The connector, its session cut at random: before a statement (nothing written)
    or after it (written, the answer lost), as a failover or a restart would."""

    def __init__(self, *args, rng: random.Random, ratio: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.rng, self.ratio, self.dropped = rng, ratio, 0

    def _drop(self) -> None:
        self.dropped += 1
        if self._conn is not None:
            pid = self._conn.info.backend_pid
            kit.sql("SELECT pg_terminate_backend(%s)", (pid,))

    @contextmanager
    def session(self):
        before = self.rng.random() < self.ratio
        after = not before and self.rng.random() < self.ratio / 2
        if before and self._conn is not None:
            self._drop()
        with super().session() as conn:
            yield conn
        if after:
            self._drop()
            self.close()
            raise ConnectorError(ErrorCategory.APP_UNAVAILABLE, "connection lost")


@pytest.mark.grows_in_soak
def test_a_database_dropping_connections_ends_with_every_row_once(users_table):
    n = by_run(smoke=80, soak=2_000)
    sync, app = seeded(n, "dropping")
    rng = random.Random(19)
    account = app.connection.account_extra
    flaky = DroppingDatabase(account=account, credentials=kit.credentials(), rng=rng,
                             ratio=0.3)
    ObjectSync.objects.filter(pk=sync.pk).update(state="on")
    for _ in range(by_run(smoke=200, soak=2_000)):
        sync.refresh_from_db()
        ObjectSync.objects.filter(pk=sync.pk).update(paused_until=None)  # no waiting here
        sync.refresh_from_db()
        try:
            outcome = SyncRunner(sync, connector=flaky, batch=50).run_for(30)
        except ConnectorError:
            continue
        if outcome == DONE and settled_in_process(sync):
            break
    django_connection.close()
    assert flaky.dropped > 0
    calm = PostgresConnector(account=account, credentials=kit.credentials())
    sync.refresh_from_db()
    assert SyncRunner(sync, connector=calm).run_for(30) == DONE
    calm.close()
    flaky.close()
    app.close()
    assert_complete(sync, n)


def settled_in_process(sync) -> bool:
    runs = Run.objects.filter(object_sync=sync).order_by("-id")
    last = runs.first()
    return (last is not None and last.status == RunStatus.SUCCEEDED
            and not Link.objects.filter(object_sync=sync, status__in=(
                LinkStatus.PENDING, LinkStatus.FAILED)).exists()
            and runs.filter(status=RunStatus.SUCCEEDED).count() >= 2)
