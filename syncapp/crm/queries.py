"""The queries behind the CRM pages, kept apart so their SQL can be read and EXPLAINed.

Lists page by keyset, never by OFFSET: each sort order walks one of Record's
partial indexes from the last row the reader saw, so page 500 costs what page 1
costs. Counting likewise stops at settings.CRM_COUNT_CAP.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from syncapp.core import params
from syncapp.crm.models import Association, ChangeLogEntry, PropertyDefinition, Record
from syncapp.crm.schema import ASSOCIATION_KINDS, ObjectType

# The column each sort order walks; ties are broken by id in the same direction.
SORT_COLUMNS = {"name": "sort_key", "updated": "updated_at", "created": "id"}
DELETED_COLUMN = "archived_at"
CANDIDATE_LIMIT = 200
HISTORY_LIMIT = 100


@dataclass(frozen=True)
class Page:
    records: list[Record]
    next_after: str | None  # pass back as `after` to get the following page
    count: int  # matching records, counted up to the cap
    count_capped: bool  # True when there are more than `count`


def definitions_for(portal, object_type: str) -> list[PropertyDefinition]:
    return list(
        PropertyDefinition.objects.for_portal(portal)
        .filter(object_type=object_type)
        .order_by("position", "id")
    )


def matching_records(portal, object_type: str, *, query: str = "", archived: bool = False,
                     from_sync: bool = False):
    """Records of one type, live or deleted, whose name or email starts with `query`;
    with `from_sync`, only the live ones a sync created."""
    records = Record.objects.for_portal(portal).filter(object_type=object_type)
    records = records.archived() if archived else records.live()
    if from_sync and not archived:
        records = records.filter(created_by_sync=True)  # record_list_created_by_sync
    prefix = query.strip().lower()
    if prefix:
        # Both columns have varchar_pattern_ops indexes, so LIKE 'prefix%' is index work.
        records = records.filter(Q(sort_key__startswith=prefix) | Q(email_key__startswith=prefix))
    return records


def _sort(sort: str, direction: str, archived: bool) -> tuple[str, bool]:
    """(column, descending) for a requested order; deleted records show newest first."""
    if archived:
        return DELETED_COLUMN, True
    return SORT_COLUMNS.get(sort, SORT_COLUMNS["name"]), direction == "desc"


def encode_after(record: Record, column: str) -> str:
    if column == "id":
        return str(record.pk)
    value = getattr(record, column)
    if isinstance(value, dt.datetime):
        value = value.isoformat()
    return f"{record.pk}:{value}"


def decode_after(raw: str | None, column: str) -> tuple[object, int] | None:
    """(sort value, id) from an `after` token, None when it is missing; a malformed
    token is refused (BadParam names the field)."""
    if column in {"updated_at", DELETED_COLUMN}:
        return params.moment_cursor(raw, "after")
    found = params.cursor(raw, "after")
    if found is None:
        return None
    record_id, raw_value = found
    return (record_id if column == "id" else raw_value), record_id


def _after_condition(column: str, descending: bool, value, record_id: int) -> Q:
    """Rows after (value, id) in the given order.

    The outer `>=` (or `<=`) on the sort column alone lets Postgres start the index
    scan at the cursor; the inner OR then drops the rows tied with it.
    """
    if column == "id":
        return Q(id__lt=record_id) if descending else Q(id__gt=record_id)
    op, strict = ("lte", "lt") if descending else ("gte", "gt")
    return Q(**{f"{column}__{op}": value}) & (
        Q(**{f"{column}__{strict}": value}) | Q(**{f"id__{strict}": record_id})
    )


def page_queryset(
    portal,
    object_type: str,
    *,
    query: str = "",
    sort: str = "name",
    direction: str = "asc",
    after: str | None = None,
    archived: bool = False,
    limit: int | None = None,
    from_sync: bool = False,
) -> QuerySet:
    """The exact query a list page runs: `limit + 1` rows, the extra one says "there is more"."""
    limit = limit or settings.CRM_PAGE_SIZE
    column, descending = _sort(sort, direction, archived)
    records = matching_records(portal, object_type, query=query, archived=archived,
                               from_sync=from_sync)
    cursor = decode_after(after, column)
    if cursor is not None:
        records = records.filter(_after_condition(column, descending, *cursor))
    order = [column, "id"] if column != "id" else ["id"]
    if descending:
        order = [f"-{name}" for name in order]
    return records.order_by(*order)[: limit + 1]


def capped_count_queryset(
    portal, object_type: str, *, query: str = "", archived: bool = False,
    from_sync: bool = False,
) -> QuerySet:
    """The rows a capped count reads: at most CRM_COUNT_CAP + 1 ids, walked in an index.

    Ordering by id makes Postgres walk the (portal, object_type, id) index and stop
    at the cap; unordered, it may scan the whole table when most rows match.
    """
    matching = matching_records(portal, object_type, query=query, archived=archived,
                                from_sync=from_sync)
    return matching.order_by("id").values("id")[: settings.CRM_COUNT_CAP + 1]


def capped_count(portal, object_type: str, *, query: str = "", archived: bool = False,
                 from_sync: bool = False) -> int:
    """How many records match, counting no further than CRM_COUNT_CAP + 1."""
    # A sliced queryset counts in a subquery: SELECT COUNT(*) FROM (... LIMIT n).
    return capped_count_queryset(portal, object_type, query=query, archived=archived,
                                 from_sync=from_sync).count()


def list_page(
    portal,
    object_type: str,
    *,
    query: str = "",
    sort: str = "name",
    direction: str = "asc",
    after: str | None = None,
    archived: bool = False,
    limit: int | None = None,
    from_sync: bool = False,
) -> Page:
    limit = limit or settings.CRM_PAGE_SIZE
    rows = list(
        page_queryset(
            portal, object_type, query=query, sort=sort, direction=direction,
            after=after, archived=archived, limit=limit, from_sync=from_sync,
        )
    )
    column, _descending = _sort(sort, direction, archived)
    next_after = encode_after(rows[limit - 1], column) if len(rows) > limit else None
    count = capped_count(portal, object_type, query=query, archived=archived,
                         from_sync=from_sync)
    return Page(rows[:limit], next_after, min(count, settings.CRM_COUNT_CAP),
                count > settings.CRM_COUNT_CAP)


# --- the record page -------------------------------------------------------------


def associable_types(object_type: str) -> list[str]:
    """Object types a record of `object_type` may be associated with, in menu order."""
    pairs = ASSOCIATION_KINDS.keys()
    others = {b for a, b in pairs if a == object_type} | {a for a, b in pairs if b == object_type}
    return [value for value in ObjectType.values if value in others]


@dataclass(frozen=True)
class AssociatedRecord:
    record: Record
    is_primary: bool


def associations_of(record: Record) -> dict[str, list[AssociatedRecord]]:
    """The records associated with `record` in either direction, grouped by their type."""
    rows = (
        Association.objects.for_portal(record.portal_id)
        .filter(Q(from_record=record) | Q(to_record=record))
        .select_related("from_record", "to_record")
        .order_by("-is_primary", "id")
    )
    types = associable_types(record.object_type)
    grouped: dict[str, list[AssociatedRecord]] = {t: [] for t in types}
    for row in rows:
        other = row.to_record if row.from_record_id == record.pk else row.from_record
        # Only the from-side holds a primary: a company is "primary" for its contact.
        primary = row.is_primary and row.from_record_id == record.pk
        grouped.setdefault(other.object_type, []).append(AssociatedRecord(other, primary))
    return grouped


def association_candidates(record: Record, other_type: str, query: str = "") -> list[Record]:
    """Up to CANDIDATE_LIMIT live records of `other_type` not yet associated with `record`."""
    linked = Association.objects.for_portal(record.portal_id).filter(
        Q(from_record=record) | Q(to_record=record)
    )
    linked_ids = {a.from_record_id for a in linked} | {a.to_record_id for a in linked}
    candidates = matching_records(record.portal_id, other_type, query=query)
    return list(
        candidates.exclude(pk__in=linked_ids).order_by("sort_key", "id")[:CANDIDATE_LIMIT]
    )


@dataclass(frozen=True)
class PropertyChange:
    label: str
    old: str | None
    new: str | None
    definition: PropertyDefinition | None = None  # None: values are shown as they are


@dataclass(frozen=True)
class HistoryEntry:
    entry: ChangeLogEntry
    changes: list[PropertyChange] = field(default_factory=list)


def record_history(record: Record, definitions: list[PropertyDefinition]) -> list[HistoryEntry]:
    """The record's change log, newest first, with labels and associated records' names."""
    entries = list(
        ChangeLogEntry.objects.for_portal(record.portal_id)
        .filter(record=record)
        .select_related("user")
        .order_by("-id")[:HISTORY_LIMIT]
    )
    by_name = {d.name: d for d in definitions}
    linked_ids = {
        value
        for entry in entries
        for value in entry.changes.get("association", [])
        if isinstance(value, int)
    }
    names = dict(
        Record.objects.for_portal(record.portal_id)
        .filter(pk__in=linked_ids)
        .values_list("pk", "display_name")
    )
    history = []
    for entry in entries:
        changes = []
        for name, (old, new) in sorted(entry.changes.items()):
            if name == "association":
                changes.append(PropertyChange(
                    str(_("Association")), _record_name(names, old), _record_name(names, new)
                ))
                continue
            definition = by_name.get(name)
            label = definition.display_label if definition else name
            changes.append(PropertyChange(label, old, new, definition))
        history.append(HistoryEntry(entry, changes))
    return history


def _record_name(names: dict[int, str], record_id) -> str | None:
    if record_id is None:
        return None
    return names.get(record_id) or f"#{record_id}"
