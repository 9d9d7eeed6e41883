"""The bench's own checks: a fast sync that did the wrong job must not pass for a fast one.

Each check compares what the engine left on both sides with what bench/data.py says a
two-way sync must leave (the hub winning conflicts); `python -m bench` exits non-zero when
one fails. Pairs are read from Postgres in pages of PAGE links by id, never the whole
table at once (the reading must not add to the engine's peak memory), and compared in
plain Python, field by field, with no ORM call per row and none of the engine's code:
a check that reused the engine's rules would agree with the engine's mistakes.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from bench.data import DataSet
from bench.memory_app import MemoryStore
from syncapp.syncs.models import FieldMapping, Link, LinkStatus, ObjectSync

PAGE = 10_000
PAIRS_SQL = """
SELECT l.id, l.app_id, r.properties, r.archived_at IS NULL
FROM syncs_link l LEFT JOIN crm_record r ON r.id = l.hub_record_id
WHERE l.object_sync_id = %s AND l.status = %s AND l.id > %s
ORDER BY l.id LIMIT %s
"""


@dataclass(frozen=True)
class Check:
    """One fact the bench prints as `name=value`, and the value it must have."""

    name: str
    value: int
    expected: int

    @property
    def ok(self) -> bool:
        return self.value == self.expected


@dataclass(frozen=True)
class PairsReport:
    """One walk over the linked pairs: how many were read, how many differ on a mapped
    field, and how many of the data set's conflicting pairs hold the hub's values."""

    checked: int
    unequal: int
    conflicts_resolved: int


def after_initial(sync: ObjectSync, store: MemoryStore, data: DataSet) -> list[Check]:
    """What the initial two-way sync must have done: every record linked and in sync,
    each side's missing records created, every conflict won by the hub, and both sides
    holding the same value in every mapped field of every pair."""
    links = Link.objects.filter(object_sync=sync)
    pairs = walk_pairs(sync, store, data)
    return [
        Check("links_in_sync", links.filter(status=LinkStatus.IN_SYNC).count(),
              data.expected_links),
        Check("links_other", links.exclude(status=LinkStatus.IN_SYNC).count(), 0),
        Check("hub_records_after", _live_hub_records(sync.portal_id),
              data.n + data.one_side_only),
        Check("app_records_after", store.next_number - 1, data.n + data.one_side_only),
        Check("pairs_checked", pairs.checked, data.expected_links),
        Check("pairs_unequal", pairs.unequal, 0),
        Check("conflicts_resolved", pairs.conflicts_resolved, data.conflicting),
    ]


def after_incremental(sync: ObjectSync, store: MemoryStore, data: DataSet) -> list[Check]:
    """After the incremental runs (changes on both sides): the pairs are equal again.
    The conflicts are not re-checked: the runs change some of the conflicting fields."""
    pairs = walk_pairs(sync, store, data)
    return [Check("pairs_checked_after_incremental", pairs.checked, data.expected_links),
            Check("pairs_unequal_after_incremental", pairs.unequal, 0)]


def walk_pairs(sync: ObjectSync, store: MemoryStore, data: DataSet) -> PairsReport:
    mapped = list(FieldMapping.objects.filter(object_sync=sync, enabled=True)
                  .values_list("app_field", "hub_property"))
    checked = unequal = resolved = 0
    for app_id, hub in _in_sync_pairs(sync):
        app = store.values(int(app_id)) if app_id and app_id.isdigit() else None
        checked += 1
        if hub is None or app is None or unequal_fields(mapped, hub, app):
            unequal += 1
            continue
        i = data.hub_index(hub.get("email"))
        if i is not None and i < data.conflicting and hub_won(mapped, hub, data.hub(i)):
            resolved += 1
    return PairsReport(checked, unequal, resolved)


def unequal_fields(mapped: list[tuple[str, str]], hub: dict, app: dict) -> list[str]:
    """The mapped fields on which a pair differs. An empty value and a missing one are
    the same (the hub stores no key for an empty property; the app stores "")."""
    return [hub_property for app_field, hub_property in mapped
            if (hub.get(hub_property) or None) != (app.get(app_field) or None)]


def hub_won(mapped: list[tuple[str, str]], hub: dict, hub_before: dict) -> bool:
    """The hub still holds every mapped value it had before the sync (it wins conflicts;
    with unequal_fields empty, the app then holds them too)."""
    return not unequal_fields([(p, p) for _a, p in mapped], hub, hub_before)


def failed(checks: list[Check]) -> list[str]:
    return [f"{c.name}={c.value} (expected {c.expected})" for c in checks if not c.ok]


def _in_sync_pairs(sync: ObjectSync) -> Iterator[tuple[str | None, dict | None]]:
    """(app id, hub properties) of every in-sync link, by id, a page at a time; the
    properties are None when the link has no live hub record."""
    after = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(PAIRS_SQL, [sync.pk, LinkStatus.IN_SYNC, after, PAGE])
            rows = cursor.fetchall()
        for link_id, app_id, properties, live in rows:
            after = link_id
            yield app_id, (_as_dict(properties) if live and properties is not None else None)
        if len(rows) < PAGE:
            return


def _as_dict(properties) -> dict:
    return json.loads(properties) if isinstance(properties, str) else properties


def _live_hub_records(portal_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM crm_record WHERE portal_id = %s "
                       "AND archived_at IS NULL", [portal_id])
        return cursor.fetchone()[0]
