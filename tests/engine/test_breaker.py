"""The mass-change circuit breaker (DESIGN "Safety"): a run that would change too much
writes nothing and waits for a person; approve, discard and turn off. The sync and
its lowered thresholds: tests/kits/breaker.py."""

import pytest

from syncapp.alerts.evaluate import evaluate_sync
from syncapp.alerts.models import Alert
from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.crm.services import update_record
from syncapp.engine.breaker import Thresholds
from syncapp.syncs import review
from syncapp.syncs.models import HistoryEntry, LinkStatus, ObjectSync, RunStatus
from syncapp.syncs.models.held import MASS_CHANGE, GuardState, HeldChange, guard_of
from syncapp.syncs.run.runner import runnable
from tests.kits.breaker import PEOPLE, held_by_a_new_mapping, linked_sync
from tests.kits.engine import run, settle
from tests.kits.observe import app_writes, hub_by, live, statuses

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """Approve enqueues the run; these tests run it themselves."""
    monkeypatch.setattr("syncapp.syncs.review.enqueue", lambda task, *args: None)


def where_it_stood(sync) -> tuple:
    sync = ObjectSync.objects.get(pk=sync.pk)
    links = sorted(sync.links.values_list("pk", "status", "last_synced"))
    return (sync.app_cursor, sync.hub_cursor, sync.deleted_cursor, links,
            HistoryEntry.objects.filter(link__object_sync=sync).count())


def assert_held(sync) -> None:
    sync.refresh_from_db()
    assert sync.pause_reason == MASS_CHANGE
    assert not runnable(sync)
    assert sync.runs.order_by("-pk").first().status == RunStatus.PAUSED
    assert guard_of(sync).state == GuardState.HELD
    assert AuditEntry.objects.filter(action=AuditAction.RUN_HELD, object_id=str(sync.pk)).exists()


def test_an_app_reporting_most_records_deleted_trips_and_nothing_is_written(portal, hubspot):
    sync, ids = linked_sync(hubspot)
    before = where_it_stood(sync)
    hubspot.connector().delete("contacts", ids[:9])

    run(hubspot, sync)

    assert_held(sync)
    assert where_it_stood(sync) == before  # links, cursors, history: as they were
    assert len(live(portal, "contact")) == PEOPLE
    held = HeldChange.objects.filter(object_sync=sync)
    assert sorted(held.values_list("kind", flat=True)) == ["delete"] * 9
    assert guard_of(sync).summary["tripped"] == ["deleted"]
    assert "mass_change" in evaluate_sync(sync.pk)["opened"]
    assert Alert.objects.filter(object_sync=sync, kind="mass_change",
                                resolved_at__isnull=True).exists()
    # Runs no more until a person acts.
    run(hubspot, sync)
    assert where_it_stood(sync) == before


def test_discard_moves_the_cursors_past_and_lists_the_records_left_different(portal, hubspot):
    sync, ids = linked_sync(hubspot)
    hubspot.connector().delete("contacts", ids[:9])
    run(hubspot, sync)
    guard = guard_of(sync)

    assert review.discard(sync, guard.plan_key) == 9

    sync.refresh_from_db()
    assert sync.deleted_cursor == guard.cursors["deleted_cursor"] != ""
    assert sync.pause_reason == "" and runnable(sync)
    assert statuses(sync) == {LinkStatus.IN_SYNC: PEOPLE}  # last-synced values kept
    view = review.held_view(sync)
    assert len(view.left_different) == 9
    run(hubspot, sync)  # past the held deletions: nothing left to read
    assert statuses(sync) == {LinkStatus.IN_SYNC: PEOPLE}
    assert sync.runs.order_by("-pk").first().status == RunStatus.SUCCEEDED


def test_turn_off_from_review_turns_the_sync_off(portal, hubspot):
    sync, ids = linked_sync(hubspot)
    hubspot.connector().delete("contacts", ids[:9])
    run(hubspot, sync)

    review.turn_off(sync)

    sync.refresh_from_db()
    assert sync.state == "off" and sync.pause_reason == ""
    assert guard_of(sync).state == GuardState.CLEAR
    assert not HeldChange.objects.filter(object_sync=sync).exists()


def test_a_trickle_of_small_runs_within_the_hour_trips(portal, hubspot):
    sync, ids = linked_sync(hubspot)
    people = live(portal, "contact")
    for record in people[:3]:  # 3 changes: under the minimum of 4
        update_record(record, {"jobtitle": "Manager"})
    settle(portal)
    run(hubspot, sync)
    assert sync.pause_reason == ""
    assert [hubspot.get("contacts", i)["jobtitle"] for i in ids].count("Manager") == 3

    for record in people[3:6]:  # 3 more within the hour: 6 in all
        update_record(record, {"jobtitle": "Director"})
    settle(portal)
    writes = len(app_writes(hubspot))
    run(hubspot, sync)

    assert_held(sync)
    assert len(app_writes(hubspot)) == writes
    assert "Director" not in [hubspot.get("contacts", i)["jobtitle"] for i in ids]
    assert guard_of(sync).summary["tripped"] == ["changed"]
    assert guard_of(sync).summary["recent"]["guard_changed"] == 3


TITLES = ("Manager", "Director", "VP", "CTO")


def retitle(portal, people, title: str) -> None:
    """A person gives each of `people` (hub contacts) a new job title."""
    for record in people:
        record.refresh_from_db()
        update_record(record, {"jobtitle": title})
    settle(portal)


def test_the_same_records_edited_again_and_again_count_once(portal, hubspot):
    """A live dashboard edits a few records all day: three records are three records
    changed in the hour, however often they change (the limit here is 4)."""
    sync, ids = linked_sync(hubspot)
    people = live(portal, "contact")[:3]
    for title in TITLES:
        retitle(portal, people, title)
        run(hubspot, sync)
        sync.refresh_from_db()
        assert sync.pause_reason == "", title
    assert [hubspot.get("contacts", i)["jobtitle"] for i in ids].count("CTO") == 3


def test_records_edited_again_and_again_between_two_runs_count_once(portal, hubspot):
    """The same within one run: three records edited four times each fill twelve
    entries of the hub's change log, six pages of two. Planned ahead page by page,
    each record is one record changed (the limit is 4), and the run applies the last
    values (found by the convergence soak: 40 edits to 5 contacts held a run)."""
    sync, ids = linked_sync(hubspot)
    people = live(portal, "contact")[:3]
    for title in TITLES:
        retitle(portal, people, title)

    run(hubspot, sync, batch=2)

    assert sync.pause_reason == "" and guard_of(sync).state == GuardState.CLEAR
    assert [hubspot.get("contacts", i)["jobtitle"] for i in ids].count("CTO") == 3
    assert {link.last_synced["jobtitle"] for link in sync.links.all()} == {"CTO", "Engineer"}


def test_a_mapping_change_rewriting_every_record_is_held_then_approved(portal, hubspot):
    sync, ids = held_by_a_new_mapping(hubspot)

    assert_held(sync)
    assert {r.properties.get("jobtitle") for r in live(portal, "contact")} == {None}
    view = review.held_view(sync)
    assert view.per_field == [{"side": "hub", "kind": "update", "field": "jobtitle",
                               "count": PEOPLE}]
    # Edited in the app between the hold and the approval: re-planned, shown, asked again.
    hubspot.update("contacts", ids[0], jobtitle="CTO")
    review.approve(sync, guard_of(sync).plan_key)
    run(hubspot, sync)

    assert_held(sync)
    guard = guard_of(sync)
    assert guard.difference == [{"name": "Person0", "side": "hub", "field": "jobtitle",
                                 "held": [None, "Engineer"], "now": [None, "CTO"]}]
    assert {r.properties.get("jobtitle") for r in live(portal, "contact")} == {None}
    with pytest.raises(review.ReviewRefused):  # a page showing the plan before the edit
        review.approve(sync, "0" * 64)

    review.approve(sync, guard.plan_key)
    run(hubspot, sync)

    sync.refresh_from_db()
    assert sync.pause_reason == "" and guard_of(sync).state == GuardState.CLEAR
    assert hub_by(portal, "contact", email="person0@example.com").properties["jobtitle"] == "CTO"
    assert hub_by(portal, "contact", email="person5@example.com").properties[
        "jobtitle"] == "Engineer"
    assert hubspot.get("contacts", ids[5])["jobtitle"] == "Engineer"
    assert AuditEntry.objects.filter(action=AuditAction.HELD_APPROVED).count() == 2
    # What a person approved does not count against the hour: a small change goes through.
    update_record(hub_by(portal, "contact", email="person7@example.com"), {"jobtitle": "VP"})
    settle(portal)
    run(hubspot, sync)
    assert hubspot.get("contacts", ids[7])["jobtitle"] == "VP"


def test_pages_read_ahead_do_not_undo_what_an_earlier_page_synced(portal, hubspot):
    """Pages are read before any is applied: a record an earlier page synced (found by a
    hub change) comes again on a later app page, read before that write. It must not look
    like an app edit reverting it."""
    sync, ids = linked_sync(hubspot)
    review.save_thresholds(sync, Thresholds(min_records=100, creates_max=100))
    hubspot.connector().update("contacts", [(i, {"phone": "555"}) for i in ids])
    update_record(hub_by(portal, "contact", email="person11@example.com"),
                  {"jobtitle": "Manager"})
    settle(portal)

    run(hubspot, sync, batch=5)

    assert sync.pause_reason == ""
    assert hub_by(portal, "contact", email="person11@example.com").properties[
        "jobtitle"] == "Manager"
    assert hubspot.get("contacts", ids[11])["jobtitle"] == "Manager"
    assert {r.properties.get("phone") for r in live(portal, "contact")} == {"555"}
