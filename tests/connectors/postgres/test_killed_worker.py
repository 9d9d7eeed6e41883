"""A Celery worker SIGKILLed in the middle of a PostgreSQL table's initial sync: the
next worker ends it with every person once on each side and every pair in sync.

Real workers, beat and the lapse of a dead worker's lock take over a minute even on
300 rows, past this folder's share of `make test`: only `make soak` runs it.
"""

import os
import signal

import pytest

from syncapp.syncs.models import Link, LinkStatus
from syncapp.syncs.services import save_and_sync
from tests.connectors.postgres import kit
from tests.kits.engine import settled
from tests.kits.stack import wait_until
from tests.kits.worker import beat_on, own_queue, worker_on

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker, pytest.mark.soak]


def test_a_worker_killed_mid_sync_leaves_every_row_once(users_table, live_server, tmp_path):
    n = 5_000
    sync, _app = kit.seeded(n, "killed")
    with own_queue() as queue, beat_on(queue, tmp_path):
        with worker_on(queue, live_server.url, tmp_path / "killed.log") as worker:
            save_and_sync(sync)
            writing = wait_until(lambda: Link.objects.filter(
                object_sync=sync, status=LinkStatus.PENDING).exists() or settled(sync),
                timeout=120, every=0.01)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        assert writing, (tmp_path / "killed.log").read_text()[-3000:]
        with worker_on(queue, live_server.url, tmp_path / "after.log"):
            done = wait_until(lambda: settled(sync), timeout=240, every=0.5)
            assert done, (tmp_path / "after.log").read_text()[-3000:]
    kit.assert_complete(sync, n)
