"""CRM lists stay index work at scale: assert on EXPLAIN at 100k records, not on time."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from syncapp.accounts.models import Portal
from syncapp.accounts.services import create_portal
from syncapp.crm import bulk
from syncapp.crm.models import Record
from syncapp.crm.queries import (
    capped_count,
    capped_count_queryset,
    encode_after,
    page_queryset,
)

# One xdist worker takes the module, so its 105,000 rows are made once, not per worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("list_query_plan")]

BULK = 100_000


def _bulk_contacts(portal, count: int, prefix: str) -> None:
    """Insert `count` contacts in one statement: far faster than the ORM for setup."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Record._meta.db_table}
              (portal_id, object_type, properties, display_name, sort_key, email_key,
               created_at, updated_at)
            SELECT %s, 'contact',
                   jsonb_build_object('email', %s || n || '@example.com',
                                      'firstname', 'Name' || n),
                   'Name' || n, 'name' || n, %s || n || '@example.com',
                   now() - n * interval '1 second', now() - n * interval '1 second'
            FROM generate_series(1, %s) AS n
            """,  # noqa: S608 - table name from our own model
            [portal.id, prefix, prefix, count],
        )
        cursor.execute(f"ANALYZE {Record._meta.db_table}")


def _plan_nodes(queryset) -> list[dict]:
    return _plan_nodes_of(*queryset.query.sql_with_params())


def _plan_nodes_of(sql: str, params=()) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(node.get("Plans", []))
    return nodes


def _record_scans(queryset) -> list[dict]:
    return [n for n in _plan_nodes(queryset) if n.get("Relation Name") == Record._meta.db_table]


def _assert_index_only(queryset, *, presorted: bool = True):
    """Records are read through indexes only; a `presorted` page needs no Sort at all."""
    nodes = _plan_nodes(queryset)
    scans = [n for n in nodes if n.get("Relation Name") == Record._meta.db_table]
    assert scans, "the query does not read records at all?"
    kinds = {scan["Node Type"] for scan in scans}
    assert kinds <= {"Index Scan", "Index Only Scan", "Bitmap Heap Scan"}, kinds
    if presorted:
        assert not [n for n in nodes if n["Node Type"] in {"Sort", "Incremental Sort"}], nodes


@pytest.fixture(scope="module")
def big_portal(django_db_setup, django_db_blocker):
    """100k contacts in one portal, 5k in another; committed once for the module."""
    with django_db_blocker.unblock():
        portal, other = create_portal("Big Corp"), create_portal("Other Corp")
        _bulk_contacts(portal, BULK, "person")
        _bulk_contacts(other, 5_000, "other")
        yield portal
        # The bulk rows have no associations or changes: one DELETE, not the ORM's
        # cascade, which loads all 105,000 of them first (19 s).
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Record._meta.db_table} WHERE portal_id IN (%s, %s)",  # noqa: S608
                           [portal.pk, other.pk])
        Portal.objects.filter(pk__in=[portal.pk, other.pk]).delete()


@pytest.mark.parametrize(
    ("sort", "direction"),
    [("name", "asc"), ("name", "desc"), ("updated", "desc"), ("created", "asc")],
)
def test_first_page_in_every_sort_order_walks_an_index(big_portal, sort, direction):
    _assert_index_only(page_queryset(big_portal, "contact", sort=sort, direction=direction))


def test_a_deep_page_starts_from_the_cursor_in_the_index(big_portal):
    deep = Record.objects.filter(portal=big_portal).order_by("sort_key", "id")[60_000]
    after = encode_after(deep, "sort_key")
    queryset = page_queryset(big_portal, "contact", sort="name", after=after)
    _assert_index_only(queryset)
    rows = list(queryset)
    assert rows[0].sort_key >= deep.sort_key
    assert deep.pk not in [row.pk for row in rows]


def test_search_by_name_or_email_prefix_uses_the_pattern_indexes(big_portal):
    queryset = page_queryset(big_portal, "contact", query="Person123")
    _assert_index_only(queryset, presorted=False)
    assert any(row.email_key.startswith("person123") for row in queryset)


def test_the_count_stops_at_the_cap_instead_of_scanning(big_portal, settings):
    settings.CRM_COUNT_CAP = 10_000
    assert capped_count(big_portal, "contact") == 10_001
    queryset = capped_count_queryset(big_portal, "contact")
    _assert_index_only(queryset)
    limits = [n for n in _plan_nodes(queryset) if n["Node Type"] == "Limit"]
    assert limits
    assert limits[0]["Plan Rows"] <= 10_001


def test_deleted_view_walks_its_own_index(big_portal):
    Record.objects.filter(portal=big_portal, sort_key__in=["name1", "name2"]).update(
        archived_at="2026-01-01T00:00:00Z"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Record._meta.db_table}")
    _assert_index_only(page_queryset(big_portal, "contact", archived=True))


def test_the_created_by_a_sync_view_walks_its_own_index(big_portal):
    Record.objects.filter(portal=big_portal, sort_key__in=["name3", "name4"]).update(
        created_by_sync=True, properties={"record_source": "Created by sync: Pipedrive"})
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Record._meta.db_table}")
    queryset = page_queryset(big_portal, "contact", from_sync=True)
    _assert_index_only(queryset)
    assert sorted(row.sort_key for row in queryset) == ["name3", "name4"]
    _assert_index_only(capped_count_queryset(big_portal, "contact", from_sync=True),
                       presorted=False)


def test_a_sync_batchs_2000_emails_are_looked_up_by_index_probes(big_portal):
    """A sync batch looks its 2,000 emails up at once (matching, and the duplicate
    check of the hub records it creates). With `email_key = ANY(…)`, Postgres scanned
    all 100,000 contacts for them (this test failed so); one probe per key it cannot."""
    emails = {f"person{n}@example.com" for n in range(1, BULK, BULK // 2000)}
    with CaptureQueriesContext(connection) as asked:
        found = bulk.live_by_key(big_portal.pk, "contact", "email_key", emails)
    assert {key for key, _ in found} == emails and len(found) == len(emails)
    scans = [n["Node Type"] for n in _plan_nodes_of(asked.captured_queries[-1]["sql"])
             if n.get("Relation Name") == Record._meta.db_table]
    assert scans == ["Index Scan"], scans
