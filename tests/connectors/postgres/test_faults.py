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
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, Run, RunStatus
from syncapp.syncs.run.runner import DONE, SyncRunner
from tests.connectors.postgres import kit
from tests.kits.soak import by_run

pytestmark = pytest.mark.django_db(transaction=True)
OBJ = "public.users"


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
    sync, app = kit.seeded(n, "dropping")
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
    kit.assert_complete(sync, n)


def settled_in_process(sync) -> bool:
    runs = Run.objects.filter(object_sync=sync).order_by("-id")
    last = runs.first()
    return (last is not None and last.status == RunStatus.SUCCEEDED
            and not Link.objects.filter(object_sync=sync, status__in=(
                LinkStatus.PENDING, LinkStatus.FAILED)).exists()
            and runs.filter(status=RunStatus.SUCCEEDED).count() >= 2)
