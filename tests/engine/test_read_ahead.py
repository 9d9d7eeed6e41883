"""The initial sync commits batch n on a second connection while it reads batch n+1
(syncs/run/ahead.py): what people see must be what batches one after the other give.

Batches of two, so that every run here has several batches in flight in turn.
"""

import sys
import threading
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from connectors.sdk import ConnectorError, ErrorCategory, WriteOutcome
from syncapp.crm.models import Record
from syncapp.crm.services import create_record
from syncapp.syncs.models import Link, LinkStatus, Run, RunStatus
from syncapp.syncs.run import ahead, executor
from syncapp.syncs.run.runner import SyncRunner
from tests.kits.engine import five_contacts, make_sync, run, seen_at_commits
from tests.kits.observe import fresh

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reading_ahead(settings):
    settings.SYNC_READ_AHEAD = True


def test_a_company_created_by_one_batch_is_found_by_the_next_batch(portal, hubspot):
    """Two app companies share a name, a batch apart: the first is created in the hub,
    and the second must find it (a duplicate, as DESIGN says), not create another."""
    fresh(hubspot, "companies")
    first = hubspot.create("companies", name="Acme")
    hubspot.create("companies", name="Beta")
    second = hubspot.create("companies", name="ACME ")
    hubspot.create("companies", name="Gamma")
    sync = make_sync(hubspot, "companies", winner="hub")

    run(hubspot, sync, batch=2)

    names = sorted(Record.objects.filter(portal=portal, object_type="company")
                   .values_list("properties__name", flat=True))
    assert names == ["Acme", "Beta", "Gamma"]
    links = {link.app_id: link for link in Link.objects.filter(object_sync=sync)}
    assert links[first].status == LinkStatus.IN_SYNC
    assert (links[second].status, links[second].error_category) == (LinkStatus.FAILED,
                                                                     "duplicate")


def counting_outage(connector, calls: list):
    """The app's connector while the app is down for creates; each call is counted."""

    def create(object_name, items):
        items = list(items)
        calls.append(len(items))
        outage = ConnectorError(ErrorCategory.APP_UNAVAILABLE, "The app answered HTTP 503.",
                                status=503)
        return [WriteOutcome(ref, error=outage) for ref, _values in items]

    connector.create = create
    return connector


def test_an_outage_in_one_batch_stops_the_run_before_the_next_batch_writes(portal, hubspot):
    fresh(hubspot, "contacts")
    for name in ("ann", "bob", "cy", "dee", "eve", "fay"):
        create_record(portal, "contact", {"email": f"{name}@acme.example", "firstname": name})
    sync = make_sync(hubspot, "contacts")
    calls: list[int] = []

    SyncRunner(sync, connector=counting_outage(hubspot.connector(), calls), batch=2).run_for(60)

    assert calls == [2]  # the next batch was read, never sent
    paused = Run.objects.get(object_sync=sync)
    assert (paused.status, paused.error_category) == (RunStatus.PAUSED, "app_unavailable")
    assert list(Link.objects.filter(object_sync=sync).values_list(
        "status", "error_category")) == [(LinkStatus.FAILED, "app_unavailable")] * 2

    run(hubspot, sync, batch=2)  # the app is back: the initial sync goes on
    run(hubspot, sync, batch=2)  # and the next run sends what the outage turned away
    emails = sorted(v["email"] for v in hubspot.all("contacts").values())
    assert emails == [f"{name}@acme.example" for name in ("ann", "bob", "cy", "dee", "eve",
                                                         "fay")]
    assert set(Link.objects.filter(object_sync=sync).values_list("status", flat=True)) == {
        LinkStatus.IN_SYNC}


def test_a_commit_failing_after_the_next_batch_was_sent_ends_as_an_undisturbed_run(
        portal, hubspot, monkeypatch):
    """Batch n+1 goes to the app while batch n commits. When batch n's commit fails all
    the same (Postgres gone), the run stops with both batches' creates in the app and
    neither settled, as a worker killed before its commit leaves them: the next runs
    find them, and every contact ends in the app once, linked."""
    fresh(hubspot, "contacts")
    emails = [f"{name}@acme.example" for name in ("ann", "bob", "cy", "dee")]
    for email in emails:
        create_record(portal, "contact", {"email": email})
    sync = make_sync(hubspot, "contacts")
    connector = hubspot.connector()
    create, sent, next_sent = connector.create, [], threading.Event()

    def counted(object_name, items):
        outcomes = create(object_name, items)
        sent.append(len(outcomes))
        if len(sent) == 2:
            next_sent.set()
        return outcomes

    connector.create = counted
    commit = executor.commit

    def lost_database(batch, plan, *args):
        if plan.app_creates and not next_sent.is_set():  # the first batch of creates':
            assert next_sent.wait(10), "the next batch waited for this commit"
            raise OperationalError("server closed the connection unexpectedly")
        return commit(batch, plan, *args)

    monkeypatch.setattr(executor, "commit", lost_database)
    with pytest.raises(OperationalError):
        SyncRunner(sync, connector=connector, batch=2).run_for(60)
    assert sent == [2, 2]
    assert Link.objects.filter(object_sync=sync, status=LinkStatus.PENDING).count() == 4

    monkeypatch.setattr(executor, "commit", commit)
    # Time passes: the lost run's lock expires, the app's feed catches up.
    Link.objects.filter(object_sync=sync).update(updated_at=timezone.now() - timedelta(minutes=5))
    run(hubspot, sync, batch=2)  # the initial sync goes on where it stopped
    run(hubspot, sync, batch=2)  # and the next run reads the app's changes

    assert list(Link.objects.filter(object_sync=sync).values_list("status", flat=True)) == [
        LinkStatus.IN_SYNC] * 4
    assert sorted(v["email"] for v in hubspot.all("contacts").values()) == emails


def test_the_worker_gets_its_thread_switch_interval_back_once_the_run_ends(
        portal, hubspot, monkeypatch):
    """Commits hand the GIL back sooner while they run on their thread; the worker's
    own setting is restored when the run ends, whatever else it runs afterwards."""
    sync = five_contacts(hubspot)
    during = seen_at_commits(monkeypatch, sys.getswitchinterval)
    before = sys.getswitchinterval()

    run(hubspot, sync, batch=2)

    assert during and max(during) <= ahead.SWITCH_INTERVAL_S < before
    assert sys.getswitchinterval() == before
    assert Record.objects.filter(portal=portal, object_type="contact").count() == 5
