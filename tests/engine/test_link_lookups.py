"""Links are looked up by key with one index probe per key, whatever the statistics say.

A sync's first initial sync grows its links faster than autovacuum analyzes them.
Asked for `object_sync_id = N AND hub_record_id = ANY(...)`, a planner that believes
the sync has a handful of links scanned all of them, batch after batch: at a million
contacts the initial sync slowed from 2,100 to 900 records/s within a minute.
"""

import contextlib
import json
import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from connectors.hubspot import HubSpotConnector
from syncapp.core import bulkrows
from syncapp.integrations.models import Connection
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import Link, LinkStatus
from syncapp.syncs.run import store

pytestmark = pytest.mark.django_db

OLDER, KNOWN, GROWN = 5000, 10, 3000


def _links(sync, numbers) -> list[Link]:
    return [Link(portal_id=sync.portal_id, object_sync=sync, app_id=str(n), hub_record_id=None,
                 status=LinkStatus.EXCLUDED, match_key=f"key{n}") for n in numbers]


def _rows_read(sql: str, params) -> int:
    """Link rows a statement reads (index entries and rows filtered out included)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return _scanned(plan[0]["Plan"])


def _scanned(node: dict) -> int:
    rows = 0
    if node.get("Relation Name") == "syncs_link" or node.get("Index Name", "").startswith(
            ("syncs_link", "link_")):
        loops = node.get("Actual Loops", 1)
        rows = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * loops
    return rows + sum(_scanned(child) for child in node.get("Plans", []))


def _sync(portal, app_object: str):
    account = Connection.objects.create(portal=portal, app_key="hubspot",
                                        account_id=app_object, account_name=app_object)
    return create_object_sync(account, app_object, HubSpotConnector)


def _look_up(sync, app_ids: list[str], hub_ids: list[int], keys: set[str]):
    """The three lookups a batch makes (by app id, hub records claimed, app-only links
    by key): what they found, and the statements they sent."""
    with CaptureQueriesContext(connection) as queries:
        by_app, _ = store.links_for(sync.pk, app_ids, [])
        store.claimed(sync.pk, hub_ids)
        waiting = store.app_only_by_key(sync.pk, keys)
    lookups = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT link.")]
    return by_app, sum(len(found) for found in waiting.values()), lookups


def test_lookups_probe_the_keys_asked_for_while_statistics_lag_behind(portal):
    older, sync = _sync(portal, "companies"), _sync(portal, "contacts")
    bulkrows.insert(_links(older, range(OLDER)))
    bulkrows.insert(_links(sync, range(KNOWN)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE syncs_link")  # the new sync looks small to the planner...
    bulkrows.insert(_links(sync, range(KNOWN, KNOWN + GROWN)))  # ...then grows, unanalyzed

    wanted = [str(n) for n in range(KNOWN + 100, KNOWN + 120)]
    by_app, waiting, lookups = _look_up(sync, wanted, list(range(KNOWN + 100, KNOWN + 120)),
                                        {f"key{n}" for n in range(KNOWN + 5)})

    assert sorted(by_app) == sorted(wanted)
    assert waiting == KNOWN + 5
    assert len(lookups) == 3
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    read = [_rows_read(sql, None) for sql in lookups]
    assert all(rows <= 2 * 20 for rows in read), read  # of the sync's 3,010 links


def test_lookups_stay_probes_after_the_analyze_a_growing_table_gets(portal):
    """The ANALYZE a batch's commit runs once the table has doubled (store.known_to_planner)
    reads a small sample of the columns the lookups filter on: enough for the planner
    to keep probing the one index each lookup needs. (Called here directly: whether the
    table has doubled depends on what earlier tests left in it.)"""
    older, sync = _sync(portal, "companies"), _sync(portal, "contacts")
    bulkrows.insert(_links(older, range(OLDER)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE syncs_link")  # the new sync is unknown to the planner...
    bulkrows.insert(_links(sync, range(3 * OLDER)))
    store.analyze_for_lookups()  # ...until the table's growth has it analyzed

    wanted = [str(n) for n in range(2 * OLDER, 2 * OLDER + 20)]
    by_app, waiting, lookups = _look_up(sync, wanted, list(range(20)),
                                        {f"key{n}" for n in range(OLDER, OLDER + 20)})

    assert sorted(by_app) == sorted(wanted)
    assert waiting == 20
    assert len(lookups) == 3
    read = [_rows_read(sql, None) for sql in lookups]
    assert all(rows <= 2 * 20 for rows in read), read  # of the sync's 15,000 links


@pytest.mark.django_db(transaction=True)  # a second connection writes, as reading ahead
def test_lookups_made_while_a_batch_is_in_flight_leave_the_statistics_alone(portal):
    """Reading ahead, batch n+1 looks links up while batch n's are still uncommitted, and
    ANALYZE counts none of them then. Taken at that moment, it recorded a first initial
    sync's links as an empty table, and the probes that followed scanned every link of
    the sync through another index (0.2 to 1.8 s a batch). The statistics are taken once
    a batch has committed (store.known_to_planner), never by a lookup."""
    sync = _sync(portal, "contacts")
    _no_links_yet()
    with _batch_in_flight(sync), CaptureQueriesContext(connection) as meanwhile:
        store.links_for(sync.pk, ["1"], [])  # the next batch's first lookup
    store.known_to_planner()  # what the batch's commit does last

    assert not [q["sql"] for q in meanwhile.captured_queries if "ANALYZE" in q["sql"]]
    _assert_probes(sync)


@pytest.mark.django_db(transaction=True)
def test_an_analyze_that_met_a_batch_in_flight_is_taken_again_once_the_batch_commits(portal):
    """Another session's ANALYZE (autovacuum's, where it is on) may meet a batch in
    flight, and record a first initial sync's links as an empty table, pages and all,
    as a lookup's ANALYZE did. The check a batch's commit makes takes them again."""
    sync = _sync(portal, "contacts")
    _no_links_yet()
    with _batch_in_flight(sync), connection.cursor() as cursor:
        cursor.execute("ANALYZE syncs_link")  # as autovacuum would, meanwhile
    store.known_to_planner()  # what the batch's commit does last

    _assert_probes(sync)


def _no_links_yet() -> None:
    """A first initial sync's start: the links table as empty as the planner knows it
    (TRUNCATE resets its size and row count; other tests leave their links behind)."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE syncs_link CASCADE")


def _assert_probes(sync) -> None:
    """A batch's three lookups find what they are asked for and read no more links than
    that, of the 15,000 _batch_in_flight committed."""
    wanted = [str(n) for n in range(OLDER, OLDER + 20)]
    by_app, waiting, lookups = _look_up(sync, wanted, list(range(20)),
                                        {f"key{n}" for n in range(OLDER, OLDER + 20)})
    assert sorted(by_app) == sorted(wanted)
    assert waiting == 20
    read = [_rows_read(sql, None) for sql in lookups]
    assert all(rows <= 2 * 20 for rows in read), read


@contextlib.contextmanager
def _batch_in_flight(sync):
    """A second connection holds 15,000 links of `sync` uncommitted while the block
    runs, as the batch before does when reading ahead; it commits them after."""
    in_flight, done = threading.Event(), threading.Event()

    def batch():
        try:
            with transaction.atomic():
                bulkrows.insert(_links(sync, range(3 * OLDER)))
                in_flight.set()
                done.wait(30)
        finally:
            connection.close()

    writer = threading.Thread(target=batch)
    writer.start()
    try:
        assert in_flight.wait(30)
        yield
    finally:
        done.set()  # the batch commits, whatever the block did
        writer.join()
