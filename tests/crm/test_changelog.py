"""The change log is the outbox of hub->app syncing: a reader must never skip a change.

These tests interleave real Postgres transactions on separate connections.
"""

import json
import random
import threading
import time

import pytest
from django.db import connection, transaction

from syncapp.crm.changelog import ChangeCursor, entries_after, read_changes
from syncapp.crm.models import ChangeLogEntry
from syncapp.crm.services import Actor, create_record, update_record

pytestmark = pytest.mark.django_db(transaction=True)


def _drain(portal, cursor):
    """Read until nothing more is visible; return the entries and the final cursor."""
    seen = []
    while True:
        batch, cursor = read_changes(portal, cursor, limit=7)
        if not batch:
            return seen, cursor
        seen.extend(batch)


def test_change_committed_late_is_not_skipped(portal):
    contact = create_record(portal, "contact", {"email": "ann@acme.test", "firstname": "Ann"})
    _, cursor = _drain(portal, ChangeCursor())
    in_transaction = threading.Event()
    may_commit = threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                update_record(contact, {"firstname": "Annie"})
                in_transaction.set()
                assert may_commit.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert in_transaction.wait(10)
    # A second writer starts later, takes a higher id, and commits first.
    late = create_record(portal, "contact", {"email": "bob@acme.test"})
    seen_while_open, cursor = _drain(portal, cursor)
    may_commit.set()
    writer.join()
    seen_after, cursor = _drain(portal, cursor)

    early_entry = ChangeLogEntry.objects.get(record=contact, action="update")
    late_entry = ChangeLogEntry.objects.get(record=late)
    # The trap: a reader cursoring on id alone would have passed the early entry by.
    assert early_entry.id < late_entry.id
    seen_ids = [entry.id for entry in seen_while_open + seen_after]
    assert sorted(seen_ids) == sorted([early_entry.id, late_entry.id])
    assert len(seen_ids) == len(set(seen_ids))


def test_every_change_read_exactly_once_under_concurrent_writers(portal):
    contacts = [
        create_record(portal, "contact", {"email": f"c{i}@acme.test"}) for i in range(4)
    ]
    _, cursor = _drain(portal, ChangeCursor())
    stop = threading.Event()
    rng = random.Random(7)

    def writer(contact, seed):
        local = random.Random(seed)
        try:
            for n in range(15):
                with transaction.atomic():
                    update_record(contact, {"jobtitle": f"Role {n}"}, Actor())
                    time.sleep(local.random() / 200)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(c, rng.random())) for c in contacts]
    seen = []
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        batch, cursor = read_changes(portal, cursor, limit=5)
        seen.extend(batch)
    stop.set()
    rest, cursor = _drain(portal, cursor)
    seen.extend(rest)

    written = set(ChangeLogEntry.objects.filter(action="update").values_list("id", flat=True))
    seen_ids = [entry.id for entry in seen]
    assert len(written) == 60
    assert set(seen_ids) == written
    assert len(seen_ids) == len(written)


def test_cursor_round_trips_through_its_text_form():
    cursor = ChangeCursor(txid=123456, id=42)
    assert ChangeCursor.decode(cursor.encode()) == cursor
    assert ChangeCursor.decode("") == ChangeCursor()


def test_reads_are_scoped_to_the_portal(portal, other_portal):
    create_record(portal, "contact", {"email": "mine@acme.test"})
    create_record(other_portal, "contact", {"email": "theirs@globex.test"})
    seen, _ = _drain(portal, ChangeCursor())
    assert {entry.portal_id for entry in seen} == {portal.id}


def test_a_long_transaction_in_another_database_does_not_hold_the_reader_back(portal):
    import psycopg

    settings_dict = connection.settings_dict
    other = psycopg.connect(
        dbname="postgres", user=settings_dict["USER"], password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"], port=settings_dict["PORT"] or None)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_current_xact_id()")  # holds an xid, never commits
        _, cursor = _drain(portal, ChangeCursor())
        contact = create_record(portal, "contact", {"email": "new@acme.test"})
        seen, _ = _drain(portal, cursor)
        assert [entry.record_id for entry in seen] == [contact.pk]
    finally:
        other.rollback()
        other.close()


def test_a_read_seeks_to_its_cursor_instead_of_walking_the_log_before_it(portal):
    """A run reads the log from its cursor after every change it has read: the index
    takes it there, and only the cursor's own transaction's earlier entries are passed
    over (EXPLAIN ANALYZE, 500 transactions of 100 entries). Not analyzed, as a log that
    an initial sync fills faster than autovacuum looks at it: the planner then walks
    the index in order, and the cursor's OR alone was a filter over every entry."""
    contact = create_record(portal, "contact", {"email": "ann@acme.test"})
    first = 10**12  # far above the transaction ids this database hands out
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ChangeLogEntry._meta.db_table} (portal_id, record_id, object_type, "  # noqa: S608
            "action, changes, txid, created_at) SELECT %s, %s, 'contact', 'update', '{}', "
            "%s + n / 100, now() FROM generate_series(0, 49999) AS n",
            [portal.pk, contact.pk, first])
    last = ChangeLogEntry.objects.filter(portal=portal, txid=first + 498).order_by("id")[50]
    entries = entries_after(portal, ChangeCursor(last.txid, last.id), horizon=first + 500,
                            object_type="contact")[:200]

    plan = json.loads(entries.explain(format="json", analyze=True))[0]["Plan"]
    nodes, stack = [], [plan]
    while stack:
        nodes.append(stack.pop())
        stack.extend(nodes[-1].get("Plans", []))
    # One index scan, or a bitmap of the two sides of the cursor's OR: the index either way.
    assert {node["Index Name"] for node in nodes if "Index Name" in node} == {"changelog_cursor"}
    assert not [node for node in nodes if node["Node Type"] == "Seq Scan"]
    assert sum(node.get("Rows Removed by Filter", 0) for node in nodes) <= 100
    assert len(list(entries)) == 149  # the 49 left of its transaction, then the last one's 100
