"""Fair dispatch between portals: one portal's many syncs never starve another's, because
a portal runs at most SYNC_PORTAL_CONCURRENCY syncs at once (syncs/tasks.py). A run
that finds its portal at the cap gives way and comes back; it is not lost.

A real worker with two processes and a cap of one runs the syncs on the test database;
the HubSpot sandbox is served by the live server, where the worker's connectors reach it.
"""

import itertools
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from connectors.hubspot import HubSpotConnector
from connectors.hubspot.sandbox.store import Portal as SandboxAccount
from syncapp.accounts.services import create_portal
from syncapp.core.queues import queue_name
from syncapp.integrations import sandbox_state
from syncapp.integrations.tokens import redis_client
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import Run, RunKind, RunStatus
from syncapp.syncs.run.locks import LOCK_TTL_S, portal_slot_names
from syncapp.syncs.services import save_and_sync
from tests.kits.engine import connect_account
from tests.kits.stack import celery, wait_until
from tests.kits.worker import own_queue

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

CONTACTS = 150  # per account: one run fits in one slice, so a run is one slot held
BACKLOG = 4  # syncs of the busy portal, queued before the quiet portal's one


@pytest.fixture
def hubspot_sandbox(live_server, settings):
    settings.SITE_URL = live_server.url
    settings.SANDBOXES_ENABLED = True
    sandbox_state.reset()
    sandbox = sandbox_state.in_process("hubspot")
    sandbox.search_rate = None
    yield sandbox
    sandbox_state.reset()


def contacts_sync(sandbox, live_url: str, portal, name: str):
    """A HubSpot account of its own holding CONTACTS people, and a draft contact sync of
    `portal` with it."""
    tag = uuid.uuid4().hex[:8]
    login = f"cap-{name}-{tag}@example.test"
    hub_id = int(tag, 16) % 10**8
    account = sandbox.add_account(SandboxAccount(
        str(hub_id), f"Cap {name}", login, "sandbox", hub_id=hub_id,
        hub_domain="cap.example", user_id=hub_id))
    with sandbox.lock:
        for i in range(CONTACTS):
            account.insert("contacts", {"email": f"{name}-{tag}-{i}@cap.example",
                                        "firstname": f"Person {i}"})
    connection = connect_account(HubSpotConnector, portal, f"{live_url}/sandbox/hubspot", login)
    return create_object_sync(connection, "contacts", HubSpotConnector, winner="hub")


def initial(sync) -> Run | None:
    return Run.objects.filter(object_sync=sync, kind=RunKind.INITIAL).order_by("-id").first()


def succeeded(sync) -> bool:
    run = initial(sync)
    return run is not None and run.status == RunStatus.SUCCEEDED


def worker(prefix: str, log, **env):
    """Two processes taking the sync queue; each portal may run one sync at a time."""
    return celery("worker", "--pool", "prefork", "--concurrency", "2", "--without-mingle",
                  "--without-gossip", "-Q", queue_name("sync", f"{prefix}-"), log=log,
                  SANDBOXES_ENABLED="true", SYNCAPP_TEST_QUEUE=prefix,
                  SYNC_PORTAL_CONCURRENCY="1", **env)


def test_a_portals_backlog_never_starves_another_portal_nor_exceeds_its_cap(
        hubspot_sandbox, live_server, tmp_path):
    busy, quiet = create_portal("Busy portal"), create_portal("Quiet portal")
    backlog = [contacts_sync(hubspot_sandbox, live_server.url, busy, f"busy{i}")
               for i in range(BACKLOG)]
    other = contacts_sync(hubspot_sandbox, live_server.url, quiet, "quiet")
    log = tmp_path / "worker.log"
    with own_queue() as prefix, worker(prefix, log, SITE_URL=live_server.url):
        for sync in [*backlog, other]:  # the quiet portal's sync is queued last
            save_and_sync(sync)
        done = wait_until(lambda: all(succeeded(s) for s in [*backlog, other]), timeout=240,
                          every=0.5)
        assert done, log.read_text()[-3000:]

    busy_runs = sorted((initial(s) for s in backlog), key=lambda run: run.started_at)
    # The busy portal's runs went one at a time: its cap (1) was never exceeded ...
    for before, after in itertools.pairwise(busy_runs):
        assert after.started_at >= before.finished_at, (before, after)
    # ... so the worker's other process took the quiet portal's sync, queued behind all
    # of them, and finished it while the busy portal's backlog still waited.
    assert initial(other).finished_at < busy_runs[-1].started_at
    assert "portal slots held; coming back" in log.read_text()  # given way, not dropped


def test_a_run_waits_for_its_portals_slot_and_then_runs(hubspot_sandbox, live_server, tmp_path):
    """Its portal's only slot is held (by a worker that died: nobody renews it); Save and
    sync: the run comes back when the slot lapses, and runs then."""
    portal = create_portal("Capped portal")
    sync = contacts_sync(hubspot_sandbox, live_server.url, portal, "capped")
    with own_queue() as prefix, worker(prefix, tmp_path / "worker.log", SITE_URL=live_server.url):
        slot = portal_slot_names(portal.pk)[0]  # a cap of one: the portal's only slot
        held = redis_client().lock(slot, timeout=LOCK_TTL_S / 2, thread_local=False)
        assert held.acquire(blocking=False, token=b"a worker that died")
        lapses = timezone.now() + timedelta(milliseconds=redis_client().pttl(slot))
        save_and_sync(sync)
        ran = wait_until(lambda: succeeded(sync), timeout=60)
        assert ran, (tmp_path / "worker.log").read_text()[-3000:]
    assert initial(sync).started_at >= lapses  # it waited for the slot, then ran
