"""A sync's life: the default lifecycle stage, off and on, delete, and quiet runs."""

import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from syncapp.crm.models import Record
from syncapp.crm.services import bulk_create_records, create_record, update_record
from syncapp.syncs import services, tasks
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus, ObjectSync, RunStatus, SyncState
from syncapp.syncs.run.runner import SyncRunner
from tests.kits.engine import make_sync, run
from tests.kits.observe import (
    age_hubspot_records,
    app_writes,
    fresh,
    hub_by,
    hub_writes,
    link_of_app,
    link_of_hub,
    live,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_contacts_from_the_app_get_the_default_stage_only_if_they_have_none(portal, hubspot):
    fresh(hubspot, "contacts")
    hubspot.create("contacts", email="new@example.com")
    hubspot.create("contacts", email="staged@example.com", lifecyclestage="customer")
    hubspot.create("contacts", email="both@example.com")
    create_record(portal, "contact", {"email": "both@example.com"})
    hubspot.create("contacts", email="hubstaged@example.com")
    create_record(portal, "contact", {"email": "hubstaged@example.com",
                                      "lifecyclestage": "opportunity"})
    hub_only = create_record(portal, "contact", {"email": "hubonly@example.com"})
    sync = make_sync(hubspot, "contacts", default_lifecycle_stage="lead")

    run(hubspot, sync)

    def stage(email):
        return hub_by(portal, "contact", email=email).properties.get("lifecyclestage")

    assert stage("new@example.com") == "lead"
    assert stage("both@example.com") == "lead"
    assert stage("staged@example.com") == "customer"
    assert stage("hubstaged@example.com") == "opportunity"
    hub_only.refresh_from_db()
    assert "lifecyclestage" not in hub_only.properties  # it did not arrive from the app


def test_a_sync_turned_off_does_not_run_and_catches_up_when_turned_on(
        portal, hubspot, monkeypatch):
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ann@example.com")
    record = create_record(portal, "contact", {"email": "ann@example.com"})
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    enqueued = []
    monkeypatch.setattr(tasks.run_sync, "delay", enqueued.append)

    services.turn_off(sync)
    kept = (sync.app_cursor, sync.hub_cursor, sync.deleted_cursor,
            sorted(Link.objects.filter(object_sync=sync).values_list("pk", "status")))
    hubspot.update("contacts", app_id, phone="111")
    update_record(record, {"jobtitle": "CFO"})
    ObjectSync.objects.filter(pk=sync.pk).update(next_run_at=None)
    tasks.tick()
    tasks.run_sync(sync.pk)  # a message sent before it was turned off

    assert enqueued == []
    sync.refresh_from_db()
    assert sync.state == SyncState.OFF
    assert (sync.app_cursor, sync.hub_cursor, sync.deleted_cursor,
            sorted(Link.objects.filter(object_sync=sync).values_list("pk", "status"))) == kept
    assert "phone" not in Record.objects.get(pk=record.pk).properties
    assert hubspot.get("contacts", app_id)["jobtitle"] is None

    services.turn_on(sync)
    assert enqueued == [sync.pk]
    run(hubspot, sync)

    assert Record.objects.get(pk=record.pk).properties["phone"] == "111"
    assert hubspot.get("contacts", app_id)["jobtitle"] == "CFO"
    assert link_of_app(sync, app_id).hub_record_id == record.pk


def test_turning_a_sync_off_stops_the_run_in_progress_at_the_next_batch(portal, hubspot):
    fresh(hubspot, "contacts")
    for n in range(6):
        hubspot.create("contacts", email=f"p{n}@example.com")
    sync = make_sync(hubspot, "contacts")
    runner = SyncRunner(sync, connector=hubspot.connector(), batch=2)
    runner.step()  # the first two contacts

    services.turn_off(sync)
    assert runner.run_for(60) == "done"

    runner.run.refresh_from_db()
    assert runner.run.status == RunStatus.STOPPED and runner.run.finished_at
    assert Link.objects.filter(object_sync=sync).count() == 2  # nothing after turning off
    sync.refresh_from_db()
    assert sync.state == SyncState.OFF and not sync.initial_done


def test_deleting_a_sync_removes_its_links_but_never_a_record(portal, hubspot):
    fresh(hubspot, "contacts")
    hubspot.create("contacts", email="ann@example.com")
    hubspot.create("contacts", firstname="No email")
    create_record(portal, "contact", {"email": "bob@example.com"})
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    assert Link.objects.filter(object_sync=sync).count() == 3
    writes = len(app_writes(hubspot))

    services.delete_sync(sync)

    # Django's cascade: the database checks neither a link's sync nor a history row's link
    assert not Link.objects.exists()
    assert not HistoryEntry.objects.exists()
    assert not ObjectSync.objects.exists()
    assert sorted(r.properties["email"] for r in live(portal, "contact")) == [
        "ann@example.com", "bob@example.com"]
    assert len(hubspot.all("contacts")) == 3
    assert len(app_writes(hubspot)) == writes


def test_a_record_deleted_for_good_leaves_its_link_naming_no_record(portal, hubspot):
    """Only a portal's deletion deletes records for good; the database does not check
    a link's record, so Django's SET NULL is what keeps the link from naming one gone."""
    fresh(hubspot, "contacts")
    hubspot.create("contacts", email="ann@example.com")
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    ann = hub_by(portal, "contact", email="ann@example.com")

    Record.objects.filter(pk=ann.pk).delete()

    link = Link.objects.get(object_sync=sync)
    assert link.hub_record_id is None and link.app_id


def _rows_examined(sql: str) -> int:
    """Rows of links or records a statement reads, as Postgres reports it having done.

    Planned as for a large table (fresh statistics, no sequential scans: on a few
    dozen rows Postgres would rightly scan them all), in a transaction rolled back.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(_BIG_TABLES)}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
        transaction.set_rollback(True)
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return _scan_rows(plan[0]["Plan"])


def _scan_rows(node: dict) -> int:
    rows = 0
    if node.get("Relation Name") in _BIG_TABLES:
        rows += node["Actual Rows"] * node["Actual Loops"] + node.get("Rows Removed by Filter", 0)
        rows += node.get("Rows Removed by Index Recheck", 0)
    return rows + sum(_scan_rows(child) for child in node.get("Plans", ()))


_BIG_TABLES = {"syncs_link", "crm_record"}


def _touching_big_tables(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if any(f'"{table}"' in q["sql"] for table in _BIG_TABLES)]


def test_a_run_with_nothing_to_do_reads_no_links_and_no_records(portal, hubspot):
    fresh(hubspot, "contacts")
    created = hubspot.connector().create("contacts", [
        (str(n), {"email": f"app{n}@example.com", "phone": "111"}) for n in range(60)])
    assert all(outcome.ok for outcome in created)
    bulk_create_records(portal, "contact", [
        {"email": f"hub{n}@example.com", "jobtitle": "CFO"} for n in range(60)])
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    run(hubspot, sync)
    assert Link.objects.filter(object_sync=sync, status=LinkStatus.IN_SYNC).count() == 120
    age_hubspot_records(hubspot, "contacts")  # an hour later, nothing has changed
    run(hubspot, sync)
    app_before, hub_before = len(app_writes(hubspot)), hub_writes(sync)

    sync.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        SyncRunner(sync, connector=hubspot.connector(), batch=50).run_for(60)

    touching = _touching_big_tables(queries)
    assert not [sql for sql in touching if not sql.startswith("SELECT")], touching
    assert {sql: _rows_examined(sql) for sql in touching} == dict.fromkeys(touching, 0)
    assert (len(app_writes(hubspot)), hub_writes(sync)) == (app_before, hub_before)
    # A batch that wrote no link leaves the links' statistics as they are, unasked.
    assert not [q for q in queries.captured_queries if "pg_relation_size" in q["sql"]]


def test_a_run_with_two_changes_reads_only_their_links_and_records(portal, hubspot):
    fresh(hubspot, "contacts")
    bulk_create_records(portal, "contact", [{"email": f"hub{n}@example.com"}
                                            for n in range(60)])
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    age_hubspot_records(hubspot, "contacts")
    run(hubspot, sync)
    changed = hub_by(portal, "contact", email="hub7@example.com")
    update_record(changed, {"jobtitle": "CFO"})
    hubspot.update("contacts", link_of_hub(sync, hub_by(
        portal, "contact", email="hub9@example.com")).app_id, phone="222")

    sync.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        SyncRunner(sync, connector=hubspot.connector(), batch=50).run_for(60)

    reads = [sql for sql in _touching_big_tables(queries) if sql.startswith("SELECT")]
    examined = {sql: _rows_examined(sql) for sql in reads}
    big = {sql: rows for sql, rows in examined.items() if rows > 4}
    assert big == {}, "\n".join(f"{rows}: {sql}" for sql, rows in big.items())  # of 60 links
    # Property shapes, to clean values: read for the hub write, not for the hub creates
    # the batch does not have.
    shapes = [q for q in queries.captured_queries
              if '"crm_propertydefinition"."options"' in q["sql"]]
    assert len(shapes) == 1, shapes
    assert hubspot.get("contacts", link_of_hub(sync, changed).app_id)["jobtitle"] == "CFO"
    assert hub_by(portal, "contact", email="hub9@example.com").properties["phone"] == "222"
