"""Every index on links and history is there for a query, and EXPLAIN proves it.

An index costs each of a sync's inserts and updates (a million-record initial sync
writes a million links and their history). So the indexes are exactly those named
here: a new one needs its query added here, and one no query uses anymore is
dropped rather than kept "just in case".
"""

import json

import pytest
from django.db import connection

from connectors.hubspot import HubSpotConnector
from syncapp.core import bulkrows
from syncapp.integrations.models import Connection
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus

pytestmark = pytest.mark.django_db

PER_SYNC = 3000
STATUSES = [LinkStatus.IN_SYNC] * 6 + [LinkStatus.FAILED, LinkStatus.EXCLUDED,
                                       LinkStatus.DELETED_IN_APP, LinkStatus.PENDING]

# index -> (who asks, the query as it is asked; %(sync)s, %(portal)s and %(link)s are
# filled in). The engine's own probes are asked as syncs/run/store.py asks them.
LINK_QUERIES = {
    "syncs_link_pkey": ("a link by id (record pages, repairs)",
                        "SELECT * FROM syncs_link WHERE id = %(link)s"),
    "link_unique_app_id": (
        "store.links_for, store.seen_as_written: an app record's link, one probe per key",
        "SELECT l.* FROM unnest(ARRAY['7','8']) AS k(key) CROSS JOIN LATERAL (SELECT * FROM "
        "syncs_link WHERE object_sync_id = %(sync)s AND app_id = k.key OFFSET 0) AS l"),
    "link_unique_hub_record": (
        "store.links_for and store.claimed: a hub record's link, one probe per key; also a "
        "hub record deleted for good (a portal deleted): its links let go of it",
        "SELECT l.* FROM unnest(ARRAY[7, 8]::bigint[]) AS k(key) CROSS JOIN LATERAL (SELECT * "
        "FROM syncs_link WHERE object_sync_id = %(sync)s AND hub_record_id = k.key "
        "OFFSET 0) AS l"),
    "link_app_only_by_key": (
        "store.app_only_by_key: app records waiting for a hub record with their identifier",
        "SELECT * FROM syncs_link WHERE object_sync_id = %(sync)s AND match_key = 'key7' "
        "AND hub_record_id IS NULL AND match_key <> ''"),
    "link_by_status": (
        "health lists and repairs: a sync's links of one status, a page after an id",
        "SELECT * FROM syncs_link WHERE object_sync_id = %(sync)s AND status = 'failed' "
        "AND id > 10 ORDER BY id LIMIT 50"),
    "link_associations_pending": (
        "associations.pending_links: links waiting for their partner",
        "SELECT * FROM syncs_link WHERE object_sync_id = %(sync)s AND associations_pending "
        "ORDER BY id LIMIT 200"),
    "link_record_view": (
        "health records view: a portal's failed records across syncs, newest first",
        "SELECT * FROM syncs_link WHERE portal_id = %(portal)s AND status = 'failed' "
        "ORDER BY updated_at DESC, id DESC LIMIT 50"),
    "link_to_retry": (
        "runner: whether a run ends with any (_left_over), then the creates a dead worker "
        "cut short and the transient failures it retries",
        "SELECT hub_record_id FROM syncs_link WHERE object_sync_id = %(sync)s AND "
        "(status = 'pending' OR (status = 'failed' AND error_category IN "
        "('rate_limited', 'app_unavailable'))) AND updated_at < now()"),
    "health_link_activity": (
        "health records view: one sync's records, newest change first",
        "SELECT * FROM syncs_link WHERE object_sync_id = %(sync)s "
        "ORDER BY updated_at DESC, id DESC LIMIT 50"),
    "health_link_status_activity": (
        "health records view: one sync's records of a status, newest change first",
        "SELECT * FROM syncs_link WHERE object_sync_id = %(sync)s AND status = 'excluded' "
        "ORDER BY updated_at DESC, id DESC LIMIT 50"),
    "health_link_failed": (
        "health failed panel: the records behind one error card",
        "SELECT * FROM syncs_link WHERE object_sync_id = %(sync)s AND status IN "
        "('failed', 'deleted_in_hub', 'deleted_in_app', 'deleted_both') "
        "AND error_category = 'not_found' ORDER BY id LIMIT 50"),
    "health_link_exclusions": (
        "health exclusions: the records excluded for one reason",
        "SELECT * FROM syncs_link WHERE object_sync_id = %(sync)s AND status = 'excluded' "
        "AND exclusion_reason = 'filter' ORDER BY id LIMIT 50"),
}
HISTORY_QUERIES = {
    "syncs_historyentry_pkey": ("an entry by id", "SELECT * FROM syncs_historyentry "
                                                  "WHERE id = 7"),
    "history_by_link": ("a record's history, newest first (health.queries.history)",
                        "SELECT * FROM syncs_historyentry WHERE link_id = %(link)s "
                        "ORDER BY id DESC LIMIT 50"),
    "history_by_run": (
        "undo_plan.undoable_links: a run's next records to undo, in link order; also the run "
        "retention: a deleted run's entries let go of it (on_delete SET NULL)",
        "SELECT DISTINCT link_id FROM syncs_historyentry WHERE run_id = 7 AND link_id > 10 "
        "AND actions && ARRAY['updated', 'created']::varchar[] ORDER BY link_id LIMIT 100"),
}


def _indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {name for (name,) in cursor.fetchall()}


def _index_used(sql: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    used, stack = set(), [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        if "Index Name" in node:
            used.add(node["Index Name"])
        stack.extend(node.get("Plans", []))
    return used


@pytest.fixture
def links(portal):
    """Two syncs' links in every status, and a history entry each, analyzed."""
    syncs = []
    for app_object in ("contacts", "companies"):
        account = Connection.objects.create(portal=portal, app_key="hubspot",
                                            account_id=app_object, account_name=app_object)
        sync = create_object_sync(account, app_object, HubSpotConnector)
        rows = [Link(portal_id=portal.pk, object_sync=sync, app_id=str(n),
                     status=STATUSES[n % len(STATUSES)], match_key=f"key{n}",
                     associations_pending=n % 97 == 0,
                     error_category="not_found" if n % 10 == 8 else "",
                     exclusion_reason="filter" if n % 10 == 7 else "")
                for n in range(PER_SYNC)]
        bulkrows.insert(rows)
        bulkrows.insert_rows(
            HistoryEntry, ["portal_id", "link_id", "side", "action", "changes", "reason",
                           "created_at"],
            [(portal.pk, link.pk, "hub", "linked", {}, "", link.created_at) for link in rows])
        syncs.append((sync, rows))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE syncs_link")
        cursor.execute("ANALYZE syncs_historyentry")
    sync, rows = syncs[0]
    return {"sync": sync.pk, "portal": portal.pk, "link": rows[100].pk}


@pytest.mark.parametrize(("table", "queries"), [("syncs_link", LINK_QUERIES),
                                                ("syncs_historyentry", HISTORY_QUERIES)])
def test_every_index_is_one_a_query_needs(links, table, queries):
    assert _indexes(table) == set(queries)
    for index, (_asker, sql) in queries.items():
        assert index in _index_used(sql % links), (index, _index_used(sql % links))
