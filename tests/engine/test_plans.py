"""A batch is decided as a plan before anything is written: what the plan says is what
the batch does (creates per side, pairs with their field changes and reasons, link
changes with their history, exclusions). Both sides are real: the hub in Postgres,
the app in its sandbox."""

from collections import Counter

import pytest

from syncapp.crm.services import create_record, update_record
from syncapp.engine.limits import FILTERS
from syncapp.engine.plan import Note
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import Link, LinkStatus, SyncFilter
from syncapp.syncs.run.executor import execute
from syncapp.syncs.run.step import BatchRun
from tests.kits.engine import make_sync, run
from tests.kits.observe import app_writes, fresh, link_of_app, link_of_hub

pytestmark = pytest.mark.django_db(transaction=True)


def batch_of(app, sync) -> BatchRun:
    return BatchRun(build_config(sync, app.cls), app.connector(), None, Counter())


def read(app, *app_ids):
    return app.connector().read_by_ids("contacts", list(app_ids))


def test_an_app_record_a_filter_leaves_out_is_planned_as_excluded_and_nothing_is_written(
        portal, hubspot):
    fresh(hubspot, "contacts")
    lead = hubspot.create("contacts", email="lead@example.com", firstname="Lea",
                          lifecyclestage="lead")
    sync = make_sync(hubspot, "contacts")
    SyncFilter.objects.create(object_sync=sync, side="app", field="lifecyclestage",
                              operator="is", value="customer")
    hubspot.sandbox.calls.clear()

    plan = batch_of(hubspot, sync).decide(app_records=read(hubspot, lead))

    ((ref, side, reason),) = plan.exclusions
    assert (side, reason) == ("app", FILTERS)
    change = plan.links[ref]
    assert change.new and change.status == LinkStatus.EXCLUDED
    assert change.fields == {"app_id": lead, "app_name": "Lea",
                             "match_key": "lead@example.com"}
    assert change.notes == [Note("app", "excluded", FILTERS)]
    assert not (plan.pairs or plan.hub_creates or plan.app_creates)
    assert plan.counts == Counter(excluded=1)
    assert not Link.objects.filter(object_sync=sync).exists()
    assert app_writes(hubspot) == []


def test_a_match_by_email_is_planned_as_a_pair_with_its_note_and_each_sides_writes(
        portal, hubspot):
    fresh(hubspot, "contacts")
    ann = hubspot.create("contacts", email="Ann@Example.com", firstname="Ann", phone="111")
    record = create_record(portal, "contact", {"email": "ann@example.com", "jobtitle": "CFO",
                                               "phone": "999"})
    sync = make_sync(hubspot, "contacts", winner="hub")

    plan = batch_of(hubspot, sync).decide(app_records=read(hubspot, ann))

    (pair,) = plan.pairs
    assert (pair.hub_id, pair.app_id, pair.last) == (record.pk, ann, None)
    assert pair.note == "matched by email “ann@example.com”"
    assert pair.plan.changes_hub["firstname"] == [None, "Ann"]
    assert pair.plan.changes_app["jobtitle"] == [None, "CFO"]
    assert pair.plan.changes_app["phone"] == ["111", "999"]  # Syncapp wins the first merge
    assert "Syncapp" in pair.plan.reasons["phone"]
    assert plan.links[pair.ref].fields["hub_record_id"] == record.pk
    assert plan.counts == Counter(matched=1)
    assert not (plan.hub_creates or plan.app_creates or plan.exclusions)


@pytest.mark.parametrize(("winner", "phone", "why"), [
    ("hub", "333", "changed on both sides; Syncapp wins conflicts"),
    ("app", "222", "changed on both sides; the app wins conflicts"),
])
def test_a_conflict_is_planned_for_the_winner_with_the_reason(portal, hubspot, winner, phone,
                                                              why):
    fresh(hubspot, "contacts")
    ann = hubspot.create("contacts", email="ann@example.com", phone="111")
    record = create_record(portal, "contact", {"email": "ann@example.com", "phone": "111"})
    sync = make_sync(hubspot, "contacts", winner=winner)
    run(hubspot, sync)
    hubspot.update("contacts", ann, phone="222")
    update_record(record, {"phone": "333"})

    plan = batch_of(hubspot, sync).decide(app_records=read(hubspot, ann), hub_ids=[record.pk])

    (pair,) = plan.pairs
    assert pair.ref == link_of_app(sync, ann).pk and pair.last is not None
    assert pair.plan.reasons["phone"] == why
    writes = pair.plan.app_writes if winner == "hub" else pair.plan.hub_writes
    assert writes == {"phone": phone}
    assert not (plan.links or plan.hub_creates or plan.app_creates)


def test_a_hub_record_nobody_matched_is_an_app_create_and_applying_the_plan_makes_it(
        portal, hubspot):
    fresh(hubspot, "contacts")
    record = create_record(portal, "contact", {"email": "bo@example.com", "firstname": "Bo"})
    sync = make_sync(hubspot, "contacts")
    batch = batch_of(hubspot, sync)

    plan = batch.decide(hub_ids=[record.pk])

    (create,) = plan.app_creates
    assert create.hub_id == record.pk
    assert create.values == {"email": "bo@example.com", "firstname": "Bo"}
    change = plan.links[create.ref]
    assert change.new and not change.status  # pending once announced, by the executor
    assert change.fields == {"hub_record_id": record.pk, "hub_name": "Bo",
                             "match_key": "bo@example.com"}

    execute(batch, plan)

    link = link_of_hub(sync, record)
    assert link.status == LinkStatus.IN_SYNC
    assert hubspot.get("contacts", link.app_id)["email"] == "bo@example.com"
    assert batch.counts["created_app"] == 1


def test_a_record_deleted_in_the_app_is_planned_as_its_link_marked_and_nothing_spreads(
        portal, hubspot):
    fresh(hubspot, "contacts")
    ann = hubspot.create("contacts", email="ann@example.com")
    record = create_record(portal, "contact", {"email": "ann@example.com"})
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    hubspot.delete("contacts", ann)

    plan = batch_of(hubspot, sync).decide(deleted_app_ids=[ann], hub_ids=[record.pk])

    link = link_of_hub(sync, record)
    change = plan.links[link.pk]
    assert change.status == LinkStatus.DELETED_IN_APP
    assert change.notes == [Note("app", "deleted", "The record was deleted in the app.")]
    assert plan.counts == Counter(deleted=1)  # marked once, though its hub record was read
    assert not (plan.pairs or plan.hub_creates or plan.app_creates or plan.dropped)


def test_an_excluded_app_record_a_hub_record_matches_later_gives_its_link_to_the_pair(
        portal, hubspot):
    fresh(hubspot, "contacts")
    ian = hubspot.create("contacts", email="ian@example.com", lifecyclestage="lead")
    sync = make_sync(hubspot, "contacts")
    SyncFilter.objects.create(object_sync=sync, side="app", field="lifecyclestage",
                              operator="is", value="customer")
    run(hubspot, sync)
    excluded = link_of_app(sync, ian)
    record = create_record(portal, "contact", {"email": "ian@example.com"})

    plan = batch_of(hubspot, sync).decide(hub_records={})  # nothing: a sanity check
    assert plan.pairs == []
    plan = batch_of(hubspot, sync).decide(hub_ids=[record.pk])

    (pair,) = plan.pairs
    assert (pair.ref, pair.app_id, pair.hub_id) == (excluded.pk, ian, record.pk)
    assert pair.note == "matched by email “ian@example.com”"
    assert plan.links[excluded.pk].fields == {"hub_record_id": record.pk,
                                              "hub_name": "ian@example.com"}
    assert plan.counts == Counter(matched=1)
