"""Undo a run (issue 5/8): what the run wrote goes back where nobody changed it since.

Runs against HubSpot's sandbox over real HTTP, as the engine's other tests do; the
undo is worked off as its Celery task would, slice by slice, with the test's connector.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors.sdk.sandbox.core import Faults
from syncapp.crm.models import Record
from syncapp.crm.services import archive_record, create_record, update_record
from syncapp.health import tasks as health_tasks
from syncapp.syncs import tasks, undo_start
from syncapp.syncs.models import Link, LinkStatus, Run, RunKind, RunStatus
from syncapp.syncs.run import undo, undo_plan
from tests.kits.engine import make_sync, run, settle
from tests.kits.observe import age_hubspot_records, fresh, link_of_hub, statuses

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [("ann", "Ann"), ("bob", "Bob"), ("cy", "Cy"), ("dee", "Dee")]


@pytest.fixture(autouse=True)
def no_broker_messages(monkeypatch):
    """The undo's task is worked off by the test itself (undo_all), not by a worker."""
    monkeypatch.setattr(tasks.run_undo, "delay", lambda undo_id: None)


def undo_all(app, target: Run) -> Run:
    """Start undoing `target` and work it off, as the Celery task would."""
    undone = undo_start.start(target, None)
    while undo.work(undone.pk, connector=app.connector()) != undo.DONE:
        pass
    undone.refresh_from_db()
    return undone


def last_run(sync) -> Run:
    return Run.objects.filter(object_sync=sync).exclude(kind=RunKind.UNDO).latest("id")


def both_sides(portal, hubspot, sync) -> dict[str, tuple]:
    """Per email: (hub firstname, hub jobtitle), (app firstname, app jobtitle)."""
    hub = {r.properties["email"]: (r.properties.get("firstname"), r.properties.get("jobtitle"))
           for r in Record.objects.filter(portal=portal, archived_at__isnull=True)}
    app = {v["email"]: (v.get("firstname"), v.get("jobtitle"))
           for v in hubspot.all("contacts").values()}
    return {email: (hub.get(email), app.get(email)) for email in sorted(set(hub) | set(app))}


def _in_sync_people(portal, hubspot):
    fresh(hubspot, "contacts")
    records = {key: create_record(portal, "contact", {
        "email": f"{key}@undo.example", "firstname": first, "jobtitle": "Engineer"})
        for key, first in PEOPLE}
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    return sync, records


def _mass_change(portal, hubspot, sync, records):
    """A run that rewrites a field on every linked record on both sides: every first
    name in the hub and every job title in the app were rewritten (as a mapping change
    rewrites them), and the run carried each across."""
    for key, record in records.items():
        update_record(record, {"firstname": key.upper()})
        hubspot.update("contacts", link_of_hub(sync, record).app_id, jobtitle="Intern")
    settle(portal)
    run(hubspot, sync)
    return last_run(sync)


def test_a_mass_change_is_undone_except_records_edited_since(portal, hubspot):
    sync, records = _in_sync_people(portal, hubspot)
    _mass_change(portal, hubspot, sync, records)
    target = last_run(sync)
    before_the_run = both_sides(portal, hubspot, sync)
    assert before_the_run["bob@undo.example"] == (("BOB", "Intern"), ("BOB", "Intern"))
    # Meanwhile a person edits what the run wrote: Ann's first name in the app, Bob's
    # job title in the hub.
    hubspot.update("contacts", link_of_hub(sync, records["ann"]).app_id, firstname="Annie")
    update_record(records["bob"], {"jobtitle": "CTO"})

    # The review reads recorded facts: the hub as it is, the app as last synced; the
    # app's edit shows up when the undo reads the app.
    review = undo_plan.review(target)
    assert [(c.side, c.field, c.wrote, c.now) for r in review.records for c in r.conflicts] \
        == [("hub", "jobtitle", "Intern", "CTO")]
    assert review.count("back") == 4

    undone = undo_all(hubspot, target)
    assert undone.status == RunStatus.SUCCEEDED
    assert undone.counts["conflicts"] == 2
    after = both_sides(portal, hubspot, sync)
    # Each side got back what it held before the run, except the fields edited since.
    assert after["cy@undo.example"] == (("CY", "Engineer"), ("Cy", "Intern"))
    assert after["ann@undo.example"] == (("ANN", "Engineer"), ("Annie", "Intern"))
    assert after["bob@undo.example"] == (("BOB", "CTO"), ("Bob", "Intern"))

    # The next run carries nothing the undo put back, nor the run's values back: each
    # side stays as it was before the run. The edits people made meanwhile (the
    # conflicts) travel as any edit does.
    settle(portal)
    run(hubspot, sync)
    assert both_sides(portal, hubspot, sync) == {
        **after,
        "ann@undo.example": (("Annie", "Engineer"), ("Annie", "Intern")),
        "bob@undo.example": (("BOB", "CTO"), ("Bob", "CTO")),
    }
    assert statuses(sync) == {LinkStatus.IN_SYNC: 4}
    # An edit after the undo syncs as any edit does.
    update_record(records["cy"], {"jobtitle": "Founder"})
    settle(portal)
    run(hubspot, sync)
    assert both_sides(portal, hubspot, sync)["cy@undo.example"] == (
        ("CY", "Founder"), ("Cy", "Founder"))


def test_an_undo_can_be_undone(portal, hubspot):
    sync, records = _in_sync_people(portal, hubspot)
    target = _mass_change(portal, hubspot, sync, records)
    as_the_run_left_them = both_sides(portal, hubspot, sync)
    undone = undo_all(hubspot, target)

    again = undo_all(hubspot, undone)
    assert again.status == RunStatus.SUCCEEDED
    assert both_sides(portal, hubspot, sync) == as_the_run_left_them
    settle(portal)
    run(hubspot, sync)  # and the next run leaves them so
    assert both_sides(portal, hubspot, sync) == as_the_run_left_them


def test_records_a_run_created_are_archived_and_deleted_and_their_links_removed(
        portal, hubspot):
    sync, _records = _in_sync_people(portal, hubspot)
    in_hub = create_record(portal, "contact", {"email": "eve@undo.example", "firstname": "Eve"})
    in_app = hubspot.create("contacts", email="fay@undo.example", firstname="Fay")
    settle(portal)
    run(hubspot, sync)
    target = last_run(sync)
    made_in_hub = Record.objects.get(portal=portal, email_key="fay@undo.example")
    made_in_app = link_of_hub(sync, in_hub).app_id
    # Undone later than the app's lag window (the connector re-reads the last 30 s):
    # a person's record re-read after its link is gone would be considered anew.
    age_hubspot_records(hubspot, "contacts")

    review = undo_plan.review(target)
    assert (review.count("archive"), review.count("delete")) == (1, 1)
    undone = undo_all(hubspot, target)

    assert (undone.counts["archived_hub"], undone.counts["deleted_app"]) == (1, 1)
    made_in_hub.refresh_from_db()
    assert made_in_hub.archived_at is not None  # archived, never deleted
    assert hubspot.get("contacts", made_in_app) is None
    assert hubspot.get("contacts", in_app) is not None  # a person's records stay
    assert Record.objects.get(pk=in_hub.pk).archived_at is None
    assert not Link.objects.filter(object_sync=sync, hub_record__in=[in_hub, made_in_hub])
    settle(portal)
    run(hubspot, sync)  # nothing shows as failed, nothing is made again
    assert statuses(sync) == {LinkStatus.IN_SYNC: 4}
    assert not Record.objects.filter(portal=portal, email_key="fay@undo.example",
                                     archived_at__isnull=True).exists()


def test_records_deleted_since_are_listed_and_skipped(portal, hubspot):
    sync, records = _in_sync_people(portal, hubspot)
    target = _mass_change(portal, hubspot, sync, records)
    archive_record(records["dee"])

    review = undo_plan.review(target)
    assert [r.link.hub_record_id for r in review.records if r.skipped] == [records["dee"].pk]
    undone = undo_all(hubspot, target)
    assert undone.counts["skipped"] == 1
    app_dee = hubspot.get("contacts", link_of_hub(sync, records["dee"]).app_id)
    assert app_dee["jobtitle"] == "Intern"  # left as the run left it
    assert Record.objects.get(pk=records["dee"].pk).properties["firstname"] == "DEE"


def test_an_undo_is_refused_while_the_run_runs_or_once_it_was_undone(portal, hubspot):
    sync, records = _in_sync_people(portal, hubspot)
    target = _mass_change(portal, hubspot, sync, records)
    running = Run.objects.create(portal=portal, object_sync=sync, kind=RunKind.INCREMENTAL)
    with pytest.raises(undo_start.UndoRefused, match="still running"):
        undo_start.start(running, None)

    first = undo_start.start(target, None)
    with pytest.raises(undo_start.UndoRefused, match="already under way"):
        undo_start.start(target, None)
    assert Run.objects.filter(undoes=target).count() == 1
    while undo.work(first.pk, connector=hubspot.connector()) != undo.DONE:
        pass
    with pytest.raises(undo_start.UndoRefused, match="already undone"):
        undo_start.start(target, None)


def test_an_undo_whose_message_was_lost_is_sent_again(portal, hubspot, monkeypatch):
    sync, records = _in_sync_people(portal, hubspot)
    target = _mass_change(portal, hubspot, sync, records)
    lost = undo_start.start(target, None)  # its message never reaches a worker
    sent: list[int] = []
    monkeypatch.setattr(tasks.run_undo, "delay", sent.append)
    health_tasks.sweep()
    assert sent == []  # alive: not sent twice
    Run.objects.filter(pk=lost.pk).update(alive_at=timezone.now() - timedelta(minutes=10))
    health_tasks.sweep()
    assert sent == [lost.pk]


def test_an_app_outage_mid_undo_is_waited_out_and_nothing_is_lost(portal, hubspot):
    sync, records = _in_sync_people(portal, hubspot)
    target = _mass_change(portal, hubspot, sync, records)
    undone = undo_start.start(target, None)
    connector = hubspot.connector()
    read = connector.read_by_ids

    def read_then_outage(*args, **kwargs):
        found = read(*args, **kwargs)
        hubspot.sandbox.faults = Faults(ratio=1.0, statuses=(503,))  # the app goes down
        return found

    connector.read_by_ids = read_then_outage
    assert undo.work(undone.pk, connector=connector) == undo.BUSY
    hubspot.sandbox.faults = Faults()  # and comes back
    while undo.work(undone.pk, connector=hubspot.connector()) != undo.DONE:
        pass
    undone.refresh_from_db()
    assert undone.status == RunStatus.SUCCEEDED
    assert (undone.counts["put_back"], undone.counts.get("failed", 0)) == (4, 0)
    assert both_sides(portal, hubspot, sync)["cy@undo.example"] == (
        ("CY", "Engineer"), ("Cy", "Intern"))
