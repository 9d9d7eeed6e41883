"""Reading HubSpot: cursors that lose nothing, archives, ids, and value conversion."""

import datetime as dt
import time

import pytest

from connectors.hubspot import reads
from connectors.hubspot.client import ResultPage
from connectors.hubspot.reads import LAG_MS, ChangeCursor
from connectors.hubspot.sandbox.schema import modified_property
from connectors.hubspot.sandbox.validate import iso
from connectors.hubspot.values import canonical
from connectors.sdk import ConnectorError, ErrorCategory, FieldType
from tests.connectors.hubspot.test_conformance import make_connector, running_sandbox

ACME_ID = "4410001"


@pytest.fixture
def stack():
    with running_sandbox() as (sandbox, root):
        yield sandbox, root


@pytest.fixture
def connector(stack):
    return make_connector(stack[1])[0]


def portal(sandbox):
    return sandbox.accounts[ACME_ID]


def stamp(sandbox, kind: str, record: dict, millis: int) -> None:
    """Set a record's modification time, as if HubSpot had modified it then."""
    record["updatedAt"] = millis
    record["properties"][modified_property(kind)] = iso(millis)


def drain(connector, kind: str, cursor: str | None, limit: int) -> tuple[list[str], str]:
    ids = []
    for _ in range(200):
        page = connector.read_changes(kind, cursor, limit=limit)
        ids += [r.id for r in page.records]
        cursor = page.cursor
        if page.done:
            return ids, cursor
    raise AssertionError("never done")


def search_cursor(since: int) -> str:
    return ChangeCursor(phase="search", since=since).encode()


def test_a_full_page_of_one_timestamp_is_walked_by_id_and_nothing_is_lost(stack, connector):
    sandbox, _root = stack
    same = int(time.time() * 1000) - 3_600_000
    contacts = portal(sandbox).records("contacts")
    for record in contacts:
        stamp(sandbox, "contacts", record, same)
    ids, _cursor = drain(connector, "contacts", search_cursor(same), limit=3)
    assert set(ids) == {r["id"] for r in contacts}


def test_keyset_pages_never_reach_the_search_cap(stack, connector):
    sandbox, _root = stack
    sandbox.search_cap = 4  # HubSpot's is 10,000; offsets past it are a 400
    start = int(time.time() * 1000) - 3_600_000
    companies = portal(sandbox).records("companies")
    for n, record in enumerate(companies):
        stamp(sandbox, "companies", record, start + n * 1000)
    ids, _cursor = drain(connector, "companies", search_cursor(start), limit=2)
    assert set(ids) == {r["id"] for r in companies}


def test_a_record_modified_while_paging_is_not_skipped(stack, connector):
    """With `after` offsets the record after a modified one would slide out of view."""
    sandbox, _root = stack
    start = int(time.time() * 1000) - 3_600_000
    products = portal(sandbox).records("products")
    for n, record in enumerate(products):
        stamp(sandbox, "products", record, start + n * 1000)
    first = connector.read_changes("products", search_cursor(start), limit=2)
    connector.update("products", [(first.records[0].id, {"description": "touched"})])
    ids, _cursor = drain(connector, "products", first.cursor, limit=2)
    assert {r.id for r in first.records} | set(ids) == {r["id"] for r in products}


def test_the_next_cycle_rereads_the_search_index_lag(stack, connector):
    sandbox, _root = stack
    _ids, cursor = drain(connector, "deals", None, limit=100)
    _ids, cursor = drain(connector, "deals", cursor, limit=100)
    late = portal(sandbox).insert("deals", {"dealname": "Indexed late", "dealstage": "closedwon"},
                                  at=int(time.time() * 1000) - LAG_MS // 2)
    ids, _cursor = drain(connector, "deals", cursor, limit=100)
    assert late["id"] in ids


def test_a_quiet_portal_reads_nothing_again(stack, connector):
    _ids, cursor = drain(connector, "tickets", None, limit=100)
    first, cursor = drain(connector, "tickets", cursor, limit=100)
    again, _cursor = drain(connector, "tickets", cursor, limit=100)
    assert first == again == []  # the seed is older than the lag window


def test_the_cursor_never_moves_backwards(stack, connector):
    _ids, cursor = drain(connector, "notes", None, limit=100)
    sinces = []
    for _ in range(3):
        _ids, cursor = drain(connector, "notes", cursor, limit=100)
        sinces.append(ChangeCursor.decode(cursor).since)
    assert sinces == sorted(sinces)


def test_archived_records_are_reported_once_even_with_equal_times(stack, connector):
    sandbox, _root = stack
    pages = []
    cursor = None
    for _ in range(20):
        page = connector.read_deleted("calls", cursor)
        pages += page.records
        cursor = page.cursor
        if page.done:
            break
    assert pages == []
    made = connector.create("calls", [(str(n), {"hs_call_title": f"c{n}",
                                                "hs_timestamp": "2026-11-01T10:00:00Z"})
                                      for n in range(3)])
    ids = [o.record.id for o in made]
    moment = int(time.time() * 1000)
    for object_id in ids[:2]:
        portal(sandbox).table("calls")[object_id]["archivedAt"] = moment
    first = connector.read_deleted("calls", cursor)
    assert sorted(d.id for d in first.records) == sorted(ids[:2]) and first.done
    portal(sandbox).table("calls")[ids[2]]["archivedAt"] = moment  # the same millisecond
    second = connector.read_deleted("calls", first.cursor)
    assert [d.id for d in second.records] == [ids[2]]
    assert connector.read_deleted("calls", second.cursor).records == []


def test_read_by_ids_sends_only_ids_hubspot_can_have(stack, connector):
    sandbox, _root = stack
    real = portal(sandbox).records("contacts")[0]["id"]
    found = connector.read_by_ids("contacts", ["not-an-id", real, real])
    assert [r.id for r in found] == [real]


def test_a_repeated_paging_token_stops_the_read():
    class Stuck:
        def list_page(self, *args, **kwargs):
            return ResultPage([], "same", 0)

    state = ChangeCursor(after="same", since=1)
    with pytest.raises(ConnectorError) as raised:
        reads._list_step(Stuck(), "contacts", {}, state, 10)
    assert raised.value.category is ErrorCategory.APP_UNAVAILABLE


def test_an_unreadable_cursor_is_refused():
    with pytest.raises(ConnectorError):
        ChangeCursor.decode("{not json")


def test_records_carry_hubspot_modification_time(stack, connector):
    page = connector.read_changes("contacts", None, limit=1)
    assert page.records[0].modified_at.tzinfo is dt.UTC


@pytest.mark.parametrize(("field_type", "raw", "expected"), [
    (FieldType.NUMBER, "1.50", "1.5"),
    (FieldType.NUMBER, "1E+3", "1000"),
    (FieldType.NUMBER, 42, "42"),
    (FieldType.NUMBER, "lots", "lots"),
    (FieldType.DATE, "2027-01-15T00:00:00.000Z", "2027-01-15"),
    (FieldType.DATE, "2027-01-15", "2027-01-15"),
    (FieldType.DATE, "1799971200000", "2027-01-15"),
    (FieldType.DATETIME, "2026-11-01T10:00:00.000Z", "2026-11-01T10:00:00Z"),
    (FieldType.DATETIME, "2026-11-01T10:00:00.250Z", "2026-11-01T10:00:00.250Z"),
    (FieldType.DATETIME, "2026-11-01T12:00:00+02:00", "2026-11-01T10:00:00Z"),
    (FieldType.BOOLEAN, "TRUE", "true"),
    (FieldType.BOOLEAN, True, "true"),
    (FieldType.TEXT, "", None),
    (FieldType.TEXT, None, None),
    (FieldType.TEXT, "  padded ", "padded"),
    (FieldType.TEXT, ["a", "b"], '["a", "b"]'),
])
def test_hubspot_values_become_canonical(field_type, raw, expected):
    assert canonical(field_type, raw) == expected
