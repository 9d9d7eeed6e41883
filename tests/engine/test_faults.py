"""Faults: a worker killed in the middle of an initial sync (20,000 records in
`make soak`, 4,000 in `make test`), and an app that answers 30% of calls with 429s,
500s and timeouts, end where an undisturbed run of the same data ends: nothing twice,
nothing lost, the same pairs in sync, the same values on both sides.

Real Celery workers run the syncs on the test database; the HubSpot sandbox lives
in this process, served by the live server under /sandbox/hubspot, where the
workers' connectors reach it (SITE_URL) and where the test seeds it directly.
"""

import os
import signal
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from connectors.hubspot import HubSpotConnector
from connectors.hubspot.sandbox.store import Portal as SandboxAccount
from connectors.sdk.sandbox.core import Faults
from syncapp.accounts.services import create_portal
from syncapp.crm.identifiers import normalize_email
from syncapp.crm.models import Record
from syncapp.crm.services import bulk_create_records
from syncapp.integrations import sandbox_state
from syncapp.integrations.tokens import redis_client
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import Link, LinkStatus, Run, RunStatus
from syncapp.syncs.run.locks import run_lock_name
from syncapp.syncs.services import save_and_sync
from tests.kits.engine import connect_account, initial_run, settled
from tests.kits.soak import by_run
from tests.kits.stack import private_postgres, wait_until
from tests.kits.worker import beat_on, own_queue, worker_on

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker,
              pytest.mark.grows_in_soak]

# Contacts on each side; half of them on both sides, by email in another case.
N = by_run(smoke=1_000, soak=10_000)
DAY_MS = 86_400_000
FIELDS = ("email", "firstname", "lastname", "phone", "jobtitle")


@pytest.fixture
def hubspot_sandbox(live_server, settings):
    """HubSpot's sandbox served by the live server (the workers reach it there)."""
    settings.SITE_URL = live_server.url
    settings.SANDBOXES_ENABLED = True
    sandbox_state.reset()
    sandbox = sandbox_state.in_process("hubspot")
    sandbox.search_rate = None  # HubSpot's search limit is not the fault under test
    yield sandbox
    sandbox_state.reset()


# --- the data: the same on every portal and account ------------------------------------


def app_rows(n: int):
    """Contacts 0..n-1 in the app: a first name each, a phone on every fourth."""
    for i in range(n):
        row = {"email": f"person{i}@faults.example", "firstname": f"App{i}",
               "lastname": "Appleton"}
        if i % 4 == 0:
            row["phone"] = f"+1 555 {i // 10000:03d} {i % 10000:04d}"
        yield row


def hub_rows(n: int):
    """Contacts n/2..3n/2-1 in the hub: those below n also in the app, by their email in
    capitals; a job title each, first names on every third, conflicting phones."""
    for i in range(n // 2, n + n // 2):
        email = f"Person{i}@FAULTS.example" if i < n else f"person{i}@faults.example"
        row = {"email": email, "jobtitle": f"Hub{i}"}
        if i % 3 == 0:
            row["firstname"] = f"Hub{i}"
        if i % 4 == 0:
            row["phone"] = f"+1 666 {i // 10000:03d} {i % 10000:04d}"
        yield row


def seeded_sync(sandbox, live_url: str, name: str, n: int = N):
    """A portal and a HubSpot account holding the data, and a two-way contact sync
    between them (a draft, as the wizard leaves it before Save and sync)."""
    tag = uuid.uuid4().hex[:8]
    portal = create_portal(f"Faults {name} {tag}")
    login = f"faults-{name}-{tag}@example.test"
    hub_id = int(tag, 16) % 10**8
    account = sandbox.add_account(SandboxAccount(
        str(hub_id), f"Faults {name}", login, "sandbox", hub_id=hub_id,
        hub_domain="faults.example", user_id=hub_id))
    back_dated = int(time.time() * 1000) - DAY_MS  # older than any change feed's overlap
    with sandbox.lock:
        for row in app_rows(n):
            account.insert("contacts", row, at=back_dated)
    bulk_create_records(portal, "contact", list(hub_rows(n)))
    connection = connect_account(HubSpotConnector, portal, f"{live_url}/sandbox/hubspot", login)
    sync = create_object_sync(connection, "contacts", HubSpotConnector, winner="hub",
                              poll_interval_s=5)
    return sync, account


# --- watching and comparing ------------------------------------------------------------


def faults() -> Faults:
    return Faults(ratio=0.3, statuses=(429, 500, 503, 0), delay_s=1.0, done_anyway=0.5)


def count_faults(sandbox) -> list[int]:
    """The statuses of the faults the sandbox injects from now on."""
    injected, fault = [], sandbox._fault

    def counting():
        response = fault()
        if response is not None:
            injected.append(response.status)
        return response

    sandbox._fault = counting
    return injected


def creates_sent(sandbox) -> int:
    return sum(1 for _t, method, path in list(sandbox.calls)
               if method == "POST" and path.endswith("/batch/create"))


def end_state(sync, account) -> dict:
    """Both sides and the links, by email, with nothing that depends on ids or times."""
    hub = {r.email_key: {k: v for k, v in r.properties.items() if k in FIELDS}
           for r in Record.objects.filter(portal=sync.portal, object_type="contact").live()}
    app = {}
    for record in account.records("contacts"):
        values = {k: v for k, v in record["properties"].items() if k in FIELDS and v}
        key = normalize_email(values.get("email")) or f"no email {record['id']}"
        assert key not in app, f"an email twice in the app: {key}"
        app[key] = values
    links = Counter(Link.objects.filter(object_sync=sync).values_list("status", flat=True))
    return {"hub": hub, "app": app, "links": links,
            "hub_count": Record.objects.filter(portal=sync.portal, object_type="contact")
            .live().count()}


def assert_complete(state, n: int = N) -> None:
    """What the rules make of the data: every person once on each side, all in sync."""
    everyone = n + n // 2
    assert state["hub_count"] == len(state["hub"]) == everyone  # no email twice in the hub
    assert len(state["app"]) == everyone
    assert state["links"] == {LinkStatus.IN_SYNC: everyone}, state["links"]
    assert set(state["hub"]) == set(state["app"])


def assert_same(state, reference) -> None:
    assert state["links"] == reference["links"]
    for side in ("hub", "app"):
        differ = [k for k in reference[side] if state[side].get(k) != reference[side][k]]
        assert not differ, (side, len(differ), [(k, state[side].get(k), reference[side][k])
                                                 for k in differ[:5]])


def run_through(sync, queue: str, site: str, log, timeout: float = 150) -> None:
    """Save and sync, and let a worker run it until it has settled."""
    with worker_on(queue, site, log):
        save_and_sync(sync)
        done = wait_until(lambda: settled(sync), timeout=timeout, every=0.5)
        assert done, (initial_run(sync) and initial_run(sync).counts, log.read_text()[-3000:])


# --- the tests ---------------------------------------------------------------------------


def test_a_worker_killed_mid_sync_ends_as_an_undisturbed_run(hubspot_sandbox, live_server,
                                                             tmp_path):
    """2N contacts, N/2 of them on both sides: SIGKILL the worker's process group
    while app creates are on their way, start another worker, and compare with the
    same data synced by a worker nobody killed."""
    calm, calm_account = seeded_sync(hubspot_sandbox, live_server.url, "calm")
    killed, killed_account = seeded_sync(hubspot_sandbox, live_server.url, "killed")
    site, logs = live_server.url, tmp_path
    with own_queue() as queue, beat_on(queue, tmp_path):
        with worker_on(queue, site, logs / "killed.log") as worker:
            save_and_sync(killed)
            # Kill while app creates are announced but not settled, after the first
            # batch of them reached the app and before the next: the worst moment.
            creating = wait_until(lambda: Link.objects.filter(
                object_sync=killed, status=LinkStatus.PENDING).exists(), timeout=120,
                every=0.01)
            sent = creates_sent(hubspot_sandbox)
            wait_until(lambda: creates_sent(hubspot_sandbox) > sent, timeout=10, every=0.002)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        assert creating, (logs / "killed.log").read_text()[-3000:]
        progress = initial_run(killed)
        assert progress.status == RunStatus.RUNNING and progress.counts["read"] > 0
        # A new worker: beat's tick hands it the killed run once the dead worker's lock
        # has expired; meanwhile it runs the same data's sync undisturbed. The creates
        # the killed worker left pending are sent again after a grace of 5 s, not 60
        # (the sandbox's change feed has no lag to wait out).
        with worker_on(queue, site, logs / "after.log", SYNC_PENDING_GRACE_S="5"):
            save_and_sync(calm)
            done = wait_until(lambda: settled(calm) and settled(killed), timeout=240,
                              every=0.5)
            assert done, (initial_run(killed).counts, (logs / "after.log").read_text()[-3000:])

    reference = end_state(calm, calm_account)
    assert_complete(reference)
    state = end_state(killed, killed_account)
    assert_complete(state)
    assert_same(state, reference)


def pool_child(worker) -> int:
    """The pid of the prefork worker's one pool process, the one that runs tasks."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
    found = []
    wait_until(lambda: found.extend(children.read_text().split()) or found, timeout=30)
    return int(found[0])


def test_a_run_whose_worker_was_killed_goes_on_without_beat(hubspot_sandbox, live_server,
                                                            tmp_path):
    """SIGKILL the process running a sync: the worker hands its message back, the
    redelivered task meets the dead process's lock, waits for it to lapse (a 2 s lock
    here) and goes on. No beat runs: nothing else could finish the sync."""
    n = 1_000
    sync, account = seeded_sync(hubspot_sandbox, live_server.url, "redelivered", n)
    log = tmp_path / "worker.log"
    with own_queue() as queue, worker_on(queue, live_server.url, log,
                                         SYNC_LOCK_TTL_S="2") as worker:
        save_and_sync(sync)
        reading = wait_until(lambda: (initial_run(sync) is not None
                                      and initial_run(sync).counts.get("read", 0) > 0),
                             timeout=60, every=0.01)
        assert reading, log.read_text()[-3000:]
        os.kill(pool_child(worker), signal.SIGKILL)
        done = wait_until(lambda: initial_run(sync).status == RunStatus.SUCCEEDED, timeout=60,
                          every=0.2)
        assert done, (initial_run(sync).counts, log.read_text()[-3000:])

    assert "WorkerLostError" in log.read_text()  # it was killed mid-run
    assert Run.objects.filter(object_sync=sync).count() == 1  # the same run went on
    assert_complete(end_state(sync, account), n)


def test_a_run_meeting_a_dead_workers_lock_starts_once_it_lapses(hubspot_sandbox,
                                                                   live_server, tmp_path):
    """Save and sync while a worker that died still "holds" the sync's lock (a 3 s lock
    nobody renews): the task comes back when the lock lapses, without beat."""
    sync, account = seeded_sync(hubspot_sandbox, live_server.url, "locked", 10)
    with own_queue() as queue, worker_on(queue, live_server.url, tmp_path / "worker.log",
                                         SYNC_LOCK_TTL_S="3"):
        dead = redis_client().lock(run_lock_name(sync.pk), timeout=3, thread_local=False)
        assert dead.acquire(blocking=False, token=b"a worker that died")
        lapses = timezone.now() + timedelta(milliseconds=redis_client().pttl(dead.name))
        save_and_sync(sync)
        done = wait_until(lambda: initial_run(sync) is not None
                          and initial_run(sync).status == RunStatus.SUCCEEDED, timeout=30)
        assert done, (tmp_path / "worker.log").read_text()[-3000:]

    assert initial_run(sync).started_at >= lapses  # it waited for the lock, then ran
    assert_complete(end_state(sync, account), 10)


def initial_done(sync) -> bool:
    """The initial sync succeeded with no create left pending; False while the test's
    own connection is down with the database (it is made again on the next call)."""
    try:
        run = initial_run(sync)
        return run is not None and run.status == RunStatus.SUCCEEDED and not Link.objects.filter(
            object_sync=sync, status=LinkStatus.PENDING).exists()
    except (OperationalError, InterfaceError):
        connection.close()
        return False


def test_a_postgres_restart_mid_sync_ends_as_an_undisturbed_run(hubspot_sandbox, live_server,
                                                                tmp_path):
    """1,500 contacts, 500 of them on both sides, on a Postgres of the test's own:
    restart it while the initial sync reads the app, and compare with the same data
    synced undisturbed. The worker's slice loses its connection, gives the worker
    back, and its run goes on from the cursors a few seconds later, without beat."""
    n = 1_000
    with private_postgres() as postgres, own_queue() as queue:
        calm, calm_account = seeded_sync(hubspot_sandbox, live_server.url, "calm", n)
        restarted, account = seeded_sync(hubspot_sandbox, live_server.url, "restarted", n)
        log = tmp_path / "worker.log"
        with worker_on(queue, live_server.url, log, DATABASE_URL=postgres.url):
            save_and_sync(calm)
            assert wait_until(lambda: initial_done(calm), timeout=60), log.read_text()[-3000:]
            save_and_sync(restarted)
            reading = wait_until(lambda: initial_run(restarted) is not None and initial_run(
                restarted).counts.get("read", 0) > 0, timeout=60, every=0.01)
            assert reading, log.read_text()[-3000:]
            postgres.restart()
            connection.close()  # the test's own connection was cut too
            done = wait_until(lambda: initial_done(restarted), timeout=90, every=0.5)
            assert done, log.read_text()[-3000:]
        assert "sync run lost its database" in log.read_text()  # the restart hit the run

        reference = end_state(calm, calm_account)
        assert_complete(reference, n)
        state = end_state(restarted, account)
        assert_complete(state, n)
        assert_same(state, reference)


def test_an_app_failing_30_percent_of_calls_ends_as_a_healthy_one(hubspot_sandbox, live_server,
                                                                  tmp_path):
    """4,000 contacts (10,000 in `make soak`) synced while 30% of the app's answers are
    429s, 500s, 503s or slow 504s, and once a 10 s storm of 429s: the same end as the
    same data synced calmly."""
    n = by_run(smoke=2_000, soak=5_000)
    calm, calm_account = seeded_sync(hubspot_sandbox, live_server.url, "calm", n)
    faulty, faulty_account = seeded_sync(hubspot_sandbox, live_server.url, "faulty", n)
    site = live_server.url
    failed = count_faults(hubspot_sandbox)
    with own_queue() as queue, beat_on(queue, tmp_path):
        run_through(calm, queue, site, tmp_path / "calm.log")
        assert failed == []
        # 429s (HubSpot's, telling a one-second window), 500s, 503s and slow 504s, half
        # of which come after the app did the work (a create sent again is a duplicate).
        hubspot_sandbox.rate = (1_000, 1.0)
        hubspot_sandbox.faults = faults()
        with worker_on(queue, site, tmp_path / "faulty.log"):
            save_and_sync(faulty)
            # And once, 10 s of nothing but 429s: longer than the client's retries, so
            # the run pauses (for the window HubSpot names) and goes on.
            assert wait_until(lambda: (initial_run(faulty).counts.get("read", 0) > n // 2)
                              if initial_run(faulty) else False, timeout=120, every=0.05)
            hubspot_sandbox.faults.ratio, hubspot_sandbox.faults.statuses = 1.0, (429,)
            time.sleep(10)
            hubspot_sandbox.faults = faults()
            done = wait_until(lambda: settled(faulty), timeout=240, every=0.5)
            assert done, (tmp_path / "faulty.log").read_text()[-3000:]
        hubspot_sandbox.faults = Faults()

    reference = end_state(calm, calm_account)
    assert_complete(reference, n)
    state = end_state(faulty, faulty_account)
    assert_complete(state, n)
    assert_same(state, reference)
    assert set(failed) == {429, 500, 503, 504} and len(failed) > 20, Counter(failed)
