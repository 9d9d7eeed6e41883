"""A worker that dies, or an app that fails, at the worst moment, in process: what
the next runs make of it.

tests/engine/test_faults.py kills real Celery workers and makes a sandbox fail; these
tests stop a run at an exact point instead (an exception no code catches, as SIGKILL
would; a connector whose writes meet an outage), so each moment is certain to be hit.
"""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connectors.sdk import ConnectorError, ErrorCategory, WriteOutcome
from syncapp.crm.services import create_record
from syncapp.integrations.tokens import redis_client
from syncapp.syncs import tasks
from syncapp.syncs.models import Link, LinkStatus, Run, RunStatus
from syncapp.syncs.run import locks, runner
from syncapp.syncs.run.runner import DONE, SyncRunner
from tests.kits.engine import make_sync, run

pytestmark = pytest.mark.django_db(transaction=True)


class Killed(BaseException):
    """The worker's process is gone: nothing after this point runs."""


def dies_while_creating(connector, sent: int):
    """The app's connector, until the worker dies having sent only the first creates."""
    real = connector.create

    def create(object_name, items):
        real(object_name, list(items)[:sent])
        raise Killed

    connector.create = create
    return connector


def test_creates_cut_short_by_a_dead_worker_are_sent_once(portal, hubspot):
    hubspot.clear("contacts")
    for name in ("ann", "bob", "cy", "dee"):
        create_record(portal, "contact", {"email": f"{name}@acme.example", "firstname": name})
    sync = make_sync(hubspot, "contacts")
    dying = dies_while_creating(hubspot.connector(), sent=2)
    with pytest.raises(Killed):
        SyncRunner(sync, connector=dying).run_for(60)
    assert Link.objects.filter(object_sync=sync, status=LinkStatus.PENDING).count() == 4
    assert len(hubspot.all("contacts")) == 2  # two creates reached the app
    # Time passes: the dead worker's lock expires, the app's feed catches up.
    Link.objects.filter(object_sync=sync).update(updated_at=timezone.now() - timedelta(minutes=5))

    run(hubspot, sync)  # the initial sync goes on where it stopped
    run(hubspot, sync)  # and the next run reads the app's changes

    assert sorted(Link.objects.filter(object_sync=sync).values_list("status", flat=True)) == [
        LinkStatus.IN_SYNC] * 4
    emails = sorted(v["email"] for v in hubspot.all("contacts").values())
    assert emails == ["ann@acme.example", "bob@acme.example", "cy@acme.example",
                      "dee@acme.example"]


def test_a_run_leaving_creates_pending_is_reported_so_not_as_succeeded(
        portal, hubspot, admin_client):
    hubspot.clear("contacts")
    for name in ("ann", "bob", "cy", "dee"):
        create_record(portal, "contact", {"email": f"{name}@acme.example", "firstname": name})
    sync = make_sync(hubspot, "contacts")
    with pytest.raises(Killed):
        SyncRunner(sync, connector=dies_while_creating(hubspot.connector(), sent=2)).run_for(60)

    run(hubspot, sync)  # the initial sync ends before the dead worker's creates settle

    initial = Run.objects.get(object_sync=sync)
    assert (initial.status, initial.counts["pending"]) == (RunStatus.UNSETTLED, 4)
    page = admin_client.get(reverse("syncs:detail", args=["hubspot", sync.pk]))
    assert "Finished · 4 creates pending" in page.content.decode()

    # Time passes: the next run finds the two that reached the app and sends the others.
    Link.objects.filter(object_sync=sync).update(updated_at=timezone.now() - timedelta(minutes=5))
    run(hubspot, sync)
    assert Run.objects.filter(object_sync=sync).latest("id").status == RunStatus.SUCCEEDED


def test_a_slice_outlasting_the_lock_ttl_keeps_its_lock(portal, hubspot, monkeypatch):
    """A slice may run long (an app answering slowly, retries): its sync must not be
    taken by a second worker meanwhile, and the slice must end cleanly."""
    sync = make_sync(hubspot, "contacts")
    monkeypatch.setattr(locks, "LOCK_TTL_S", 0.6)  # the lock and its renewal read it
    seen = []

    def slow_slice(self, budget_s):
        time.sleep(1.5)  # more than twice the TTL
        other = redis_client().lock(f"syncapp:sync-run:{sync.pk}", timeout=1, blocking=False)
        seen.append(other.acquire(token=b"another worker"))
        return DONE

    monkeypatch.setattr(runner.SyncRunner, "__init__", lambda self, sync: None)
    monkeypatch.setattr(runner.SyncRunner, "run_for", slow_slice)

    tasks.run_sync(sync.pk)

    assert seen == [False]  # still held by the slice that was running
    assert redis_client().lock(f"syncapp:sync-run:{sync.pk}", timeout=1).acquire(
        blocking=False)  # and given back at its end


def down_for_creates(connector):
    """The app's connector while the app is down for writes (reads still answer)."""

    def create(object_name, items):
        outage = ConnectorError(ErrorCategory.APP_UNAVAILABLE, "The app answered HTTP 503.",
                                status=503)
        return [WriteOutcome(ref, error=outage) for ref, _values in items]

    connector.create = create
    return connector


def test_an_outage_while_writing_pauses_the_run_and_later_runs_retry(portal, hubspot):
    hubspot.clear("contacts")
    for name in ("ann", "bob"):
        create_record(portal, "contact", {"email": f"{name}@acme.example", "firstname": name})
    sync = make_sync(hubspot, "contacts")

    SyncRunner(sync, connector=down_for_creates(hubspot.connector())).run_for(60)

    paused = Run.objects.get(object_sync=sync)
    assert (paused.status, paused.error_category) == (RunStatus.PAUSED, "app_unavailable")
    assert set(Link.objects.filter(object_sync=sync).values_list(
        "status", "error_category")) == {(LinkStatus.FAILED, "app_unavailable")}

    run(hubspot, sync)  # the app is back: the initial sync goes on where it stopped
    run(hubspot, sync)  # and the next run sends what the outage turned away

    assert set(Link.objects.filter(object_sync=sync).values_list("status", flat=True)) == {
        LinkStatus.IN_SYNC}
    assert sorted(v["email"] for v in hubspot.all("contacts").values()) == [
        "ann@acme.example", "bob@acme.example"]


def test_a_paused_sync_waits_whoever_enqueues_it(portal, hubspot, caplog):
    """The beat tick enqueues a sync while its slice runs; such a message, taken after
    the run paused for a rate limit or an outage, must not call the app at once. The
    worker's log says why it ran nothing."""
    sync = make_sync(hubspot, "contacts")
    sync.paused_until = timezone.now() + timedelta(minutes=1)
    sync.save(update_fields=["paused_until"])

    with caplog.at_level("INFO", logger="syncapp.syncs.tasks"):
        tasks.run_sync(sync.pk)

    assert not Run.objects.filter(object_sync=sync).exists()
    (said,) = [r for r in caplog.records if r.getMessage() == "sync not runnable; nothing to run"]
    assert (said.object_sync_id, said.paused_until) == (sync.pk, sync.paused_until.isoformat())


def creates_twice(connector):
    """The app's connector when a create's reply is lost after the app did the work:
    the client sends the same create again, and the app refuses it as a duplicate."""
    real = connector.create

    def create(object_name, items):
        items = list(items)
        real(object_name, items)
        return real(object_name, items)

    connector.create = create
    return connector


def test_a_create_whose_reply_was_lost_is_linked_not_made_twice(portal, hubspot):
    hubspot.clear("contacts")
    for name in ("ann", "bob"):
        create_record(portal, "contact", {"email": f"{name}@acme.example", "firstname": name})
    sync = make_sync(hubspot, "contacts")
    SyncRunner(sync, connector=creates_twice(hubspot.connector())).run_for(60)
    assert set(Link.objects.filter(object_sync=sync).values_list(
        "status", "error_category")) == {(LinkStatus.FAILED, "duplicate")}

    run(hubspot, sync)  # the app's changes bring the records it made: they match

    assert set(Link.objects.filter(object_sync=sync).values_list("status", flat=True)) == {
        LinkStatus.IN_SYNC}
    assert sorted(v["email"] for v in hubspot.all("contacts").values()) == [
        "ann@acme.example", "bob@acme.example"]
