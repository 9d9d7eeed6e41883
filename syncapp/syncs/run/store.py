"""Links, history and run counts as the engine reads and writes them (the ORM edge).

A batch handles thousands of links: they are `LinkRow`s, the Link model's columns
as plain attributes, read with one statement and written with COPY (core/bulkrows),
never Django model instances (building those cost more than the writes). Code that
takes either (marking, history, restores, undo) is typed with `LinkColumns`.
"""

from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime
from typing import Any, Protocol, TypeVar

import orjson
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from syncapp.core import bulkrows
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus

LINK_FIELDS = ["hub_record_id", "app_id", "status", "error_category", "error_message",
               "exclusion_reason", "match_key", "candidates", "last_synced", "hub_name", "app_name",
               "last_synced_at", "associations_pending", "refused", "app_seen", "updated_at"]
HISTORY_FIELDS = ["portal_id", "link_id", "run_id", "side", "action", "actions", "changes",
                  "reason", "created_at"]
# The action a record's history row files under when a batch did several things to it:
# the most telling first (a refusal over the writes beside it, a create over its link).
PRECEDENCE = ("failed", "deleted", "created", "recreated", "restored", "excluded", "updated",
              "linked", "association_failed")
_RANK = {action: rank for rank, action in enumerate(PRECEDENCE)}
# vacuum_after_initial_sync: app creates (each leaves a dead link version) worth a
# VACUUM, in number and as a share of the table's links (autovacuum's default: 20%).
VACUUM_MIN_CREATES = 10_000
VACUUM_CREATES_SHARE = 0.1
# How long the links' ANALYZE or VACUUM waits for another's lock: theirs will do.
MAINTENANCE_LOCK_WAIT = "200ms"
# The columns a batch's link lookups choose their index by (analyze_for_lookups).
PROBED_COLUMNS = ("object_sync_id", "app_id", "hub_record_id", "match_key", "status")
PROBE_STATISTICS_TARGET = 10  # Postgres samples 300 rows per unit: 3,000 links


_COLUMNS = [f.attname for f in Link._meta.concrete_fields]
_JSON = [f.attname for f in Link._meta.concrete_fields if f.get_internal_type() == "JSONField"]


class LinkLookup(Protocol):
    """Where planning (step.BatchRun) finds links: this module itself for a run, an
    overlay of the links earlier pages would have made for the dry run (overlay.py)."""

    def links_for(self, sync_id: int, app_ids, hub_ids) -> tuple[dict, dict]: ...

    def claimed(self, sync_id: int, hub_ids) -> set[int]: ...

    def app_only_by_key(self, sync_id: int, keys) -> dict[str, list]: ...


class LinkColumns(Protocol):
    """A Link model instance or a LinkRow: the columns both have, as code reads and
    writes them on either."""

    portal_id: int
    object_sync_id: int
    hub_record_id: int | None
    app_id: str | None
    status: str
    error_category: str
    error_message: str
    exclusion_reason: str
    match_key: str
    candidates: dict
    associations_pending: bool
    last_synced: dict
    refused: dict
    hub_name: str
    app_name: str
    last_synced_at: datetime | None
    app_seen: str

    @property
    def pk(self) -> Any: ...  # as django-stubs types Model.pk (None until saved)

    @property
    def updated_at(self) -> datetime | None: ...  # a saved Link's is never None

    @updated_at.setter
    def updated_at(self, value: datetime) -> None: ...


AnyLink = TypeVar("AnyLink", bound=LinkColumns)


@dataclass(slots=True, kw_only=True, eq=False, repr=False)
class LinkRow:
    """A link as a batch reads and writes it: the Link model's columns, nothing else.
    Code that holds a LinkRow or a Link treats them alike (same attribute names).

    A dataclass for its made-to-measure __init__: a batch makes a LinkRow per new link,
    and setting the columns one by one from the model's defaults took 5.4 µs each,
    against 1.4. The columns and their defaults are checked against the model's when
    the module loads (_check_mirrors)."""

    row_model = Link

    portal_id: int
    object_sync_id: int
    id: int | None = None
    hub_record_id: int | None = None
    app_id: str | None = None
    status: str = ""
    error_category: str = ""
    error_message: str = ""
    exclusion_reason: str = ""
    match_key: str = ""
    candidates: dict = field(default_factory=dict)
    associations_pending: bool = False
    last_synced: dict = field(default_factory=dict)
    refused: dict = field(default_factory=dict)
    hub_name: str = ""
    app_name: str = ""
    last_synced_at: datetime | None = None
    app_seen: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def pk(self) -> int | None:
        return self.id

    @pk.setter
    def pk(self, value: int) -> None:
        self.id = value

    @classmethod
    def from_db(cls, row) -> "LinkRow":
        link = cls.__new__(cls)
        for name, value in zip(_COLUMNS, row, strict=True):
            setattr(link, name, orjson.loads(value) if name in _JSON and value else value)
        return link

    def __repr__(self) -> str:
        return f"LinkRow({self.id}: {self.hub_record_id} <-> {self.app_id} ({self.status}))"


def _check_mirrors(row: type, model: type[Model]) -> None:
    """`row`'s fields are `model`'s columns, with the same defaults (a JSON column's is
    an empty dict): a column added to the model and not here fails the import."""
    made = {f.name: f.default if f.default_factory is MISSING else f.default_factory()
            for f in fields(row)}
    wanted = {f.attname: {} if f.attname in _JSON else f.get_default()
              for f in model._meta.concrete_fields}
    wanted.update({"portal_id": MISSING, "object_sync_id": MISSING})  # always given
    differ = sorted(name for name in made.keys() | wanted.keys()
                    if name not in made or name not in wanted or made[name] != wanted[name])
    if differ:
        raise ImproperlyConfigured(f"{row.__name__} does not mirror {model.__name__}'s "
                                   f"columns: {', '.join(differ)}")


_check_mirrors(LinkRow, Link)


def _by_key(sync_id: int, column: str, sql_type: str, keys, where: str = "") -> list[LinkRow]:
    """Links of one object sync whose `column` is one of `keys`: one index probe per key.

    Not `object_sync_id = … AND column = ANY(…)`: while a sync's first initial sync
    grows its links faster than autovacuum analyzes them, the planner believes the sync
    has a handful of links and scans all of them for every batch, which made a
    million-record sync quadratic. A lateral probe per key uses the (object sync,
    column) index whatever the statistics say.
    """
    table = Link._meta.db_table
    listed = ", ".join(f"link.{name}" for name in _COLUMNS)
    with bulkrows.reading_cursor() as cursor:
        cursor.execute(
            f"SELECT {listed} FROM json_array_elements_text(%s::json) AS k(key) "  # noqa: S608
            # OFFSET 0 keeps the subquery a per-key probe (the planner may not flatten it).
            f"CROSS JOIN LATERAL (SELECT * FROM {table} WHERE object_sync_id = %s "
            f"AND {column} = k.key::{sql_type} {where} OFFSET 0) AS link ORDER BY link.id",
            [bulkrows.as_json_param(keys), sync_id])
        return [LinkRow.from_db(row) for row in cursor.fetchall()]


def known_to_planner() -> None:
    """ANALYZE the links (analyze_for_lookups) when the planner's picture of them is out
    of date: the table has more than doubled since its last look. Without statistics,
    every index that starts with the object sync ties with the one a probe needs, and the
    planner may pick one that filters every link of the sync for each key (a first
    initial sync's second batch took 800 ms for 2,000 probes). Growth from nothing to
    a million links costs about ten ANALYZEs; autovacuum comes a minute too late.

    Called once a batch has committed its links (executor.commit), not when the next
    batch looks links up: reading ahead, that lookup runs while the batch before it is
    still in flight, and ANALYZE counts none of a transaction's rows until it commits.
    Taken then, at a first initial sync's start, it recorded the table as empty, and the
    probes of the next batches scanned every link of the sync through the wrong index
    (0.2 to 1.8 s for 2,000 keys, 6 s of the first 10 at 100,000 contacts a side).
    Another session's ANALYZE (autovacuum's, where it is on) can still meet a batch in
    flight and record the same empty table, pages and all: a table of some size counted
    as empty is analyzed again too."""
    with connection.cursor() as cursor:
        # The table's size on disk, unlike the statistics views, is never behind.
        cursor.execute("SELECT pg_relation_size(oid) > 2 * relpages * 8192 + 65536 "
                       "OR (reltuples = 0 AND pg_relation_size(oid) > 65536) "
                       "FROM pg_class WHERE oid = %s::regclass", [Link._meta.db_table])
        row = cursor.fetchone()
    if row and row[0]:
        analyze_for_lookups()


def analyze_for_lookups() -> None:
    """ANALYZE the columns the lookups filter on, from a sample of 3,000 links
    (statistics target 10): enough to tell a unique key from the sync's id. At 150,000
    links it took 17 ms, where every column at the default target took 340-465 ms (a
    perf profile of the initial sync put ANALYZE at 6% of Postgres's CPU). Such an
    ANALYZE leaves the count of changes since the last full one as it was, so autovacuum
    still analyzes every column, in full, when it is due."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Another worker analyzing it: theirs will do.
            cursor.execute("SELECT set_config('lock_timeout', %s, true)",  # this transaction
                           [MAINTENANCE_LOCK_WAIT])
            cursor.execute("SELECT set_config('default_statistics_target', %s, true)",
                           [str(PROBE_STATISTICS_TARGET)])
            cursor.execute(f"ANALYZE {Link._meta.db_table} ({', '.join(PROBED_COLUMNS)})")
    except OperationalError:
        pass


def vacuum_after_initial_sync(app_creates: int) -> bool:
    """VACUUM the links after an initial sync that created many app records: each create
    is announced by a pending link and settled after (executor._create_in_app), which
    leaves a dead version of the link in every index of the table. Until vacuum clears
    them, each probe of those keys reads both versions: at 1,000,000 records a side, 100
    changes took 80-90 ms instead of 60-65 ms. Autovacuum, where it is on at all, starts
    only at 20% dead rows and then throttles itself.

    Only when the creates are many, and a large share of the table's links: a small
    sync's few do not make every portal's links worth a vacuum. Skipped in an open
    transaction (VACUUM cannot run in one) and when another vacuum holds the table
    (theirs will do). Whether it ran."""
    if connection.in_atomic_block or app_creates < VACUUM_MIN_CREATES:
        return False
    table = Link._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        links = max(cursor.fetchone()[0], 0)  # -1: never analyzed
        if app_creates < links * VACUUM_CREATES_SHARE:
            return False
        cursor.execute("SELECT set_config('lock_timeout', %s, false)",  # the session
                       [MAINTENANCE_LOCK_WAIT])
        try:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        except OperationalError:
            return False
        finally:
            cursor.execute("RESET lock_timeout")
    return True


def links_for(sync_id: int, app_ids, hub_ids) -> tuple[dict[str, LinkRow], dict[int, LinkRow]]:
    by_app: dict[str, LinkRow] = {}
    by_hub: dict[int, LinkRow] = {}
    if app_ids:
        for link in _by_key(sync_id, "app_id", "text", app_ids):
            assert link.app_id is not None  # found by it
            by_app[link.app_id] = link
            if link.hub_record_id:
                by_hub[link.hub_record_id] = link
    if hub_ids:
        for link in _by_key(sync_id, "hub_record_id", "bigint", hub_ids):
            assert link.hub_record_id is not None  # found by it
            by_hub[link.hub_record_id] = link
            if link.app_id:
                by_app[link.app_id] = link
    return by_app, by_hub


def seen_as_written(sync_id: int, stamps: dict[str, str]) -> dict[str, dict]:
    """Last-synced values of the in-sync links whose app record still has the stamp
    our last write to it got back (`stamps`: app id -> stamp as read), by app id.
    One statement for a page, a probe per id as in _by_key."""
    if not stamps:
        return {}
    table = Link._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT link.app_id, link.last_synced FROM json_each_text(%s::json) "  # noqa: S608
            f"AS k(app_id, seen) CROSS JOIN LATERAL (SELECT app_id, last_synced FROM {table} "
            "WHERE object_sync_id = %s AND app_id = k.app_id AND app_seen = k.seen "
            "AND status = %s OFFSET 0) AS link",
            [bulkrows.dump_json(stamps), sync_id, LinkStatus.IN_SYNC])
        return {app_id: orjson.loads(last) if isinstance(last, str | bytes) else last
                for app_id, last in cursor.fetchall()}


def claimed(sync_id: int, hub_ids) -> set[int]:
    """Hub records already paired with an app record in this object sync."""
    if not hub_ids:
        return set()
    return {link.hub_record_id for link in _by_key(sync_id, "hub_record_id", "bigint",
                                                    hub_ids, "AND app_id IS NOT NULL")
            if link.hub_record_id is not None}  # all of them: found by it


def app_only_by_key(sync_id: int, keys) -> dict[str, list[LinkRow]]:
    """App records with no hub record yet (excluded, …), by normalised identifier."""
    found: dict[str, list[LinkRow]] = {}
    if not keys:
        return found
    for link in _by_key(sync_id, "match_key", "text", keys,
                        "AND hub_record_id IS NULL AND match_key <> ''"):
        found.setdefault(link.match_key, []).append(link)
    return found


@dataclass
class Changes:
    """What one batch writes to links and history, saved in one go."""

    new_links: list[LinkColumns] = field(default_factory=list)
    changed_links: dict[int, LinkColumns] = field(default_factory=dict)
    history: dict[int, "_Row"] = field(default_factory=dict)  # id(link): its one row
    _new_ids: set[int] = field(default_factory=set)  # id() of new_links: touch is O(1)

    now: datetime = field(default_factory=timezone.now)  # one time for the batch's writes

    def touch(self, link: AnyLink) -> AnyLink:
        link.updated_at = self.now
        if link.pk:
            self.changed_links[link.pk] = link
        elif id(link) not in self._new_ids:
            self._new_ids.add(id(link))
            self.new_links.append(link)
        return link

    def note(self, link: LinkColumns, side: str, action: str, changes: dict | None = None,
             reason: str = "", *, rules: dict | None = None) -> None:
        """One thing the batch did to `link`'s record: `changes` ({field: [old, new]}) on
        `side`, each field decided by its rule in `rules` ({field: why}; a field without
        one, by `reason`, which the row keeps once). A record's notes of one batch become
        one history row."""
        row = self.history.get(id(link))
        if row is None:
            row = self.history[id(link)] = _Row(link)
        row.add(side, action, changes, reason, rules or {})


class _Row:
    """One record's history row of a batch, as its notes build it (see HistoryEntry).
    Built for every record a batch writes: kept to a few attribute sets per note."""

    __slots__ = ("actions", "changes", "link", "reasons", "side")

    def __init__(self, link: LinkColumns) -> None:
        self.link = link
        self.side = ""
        self.actions: list[str] = []
        self.changes: dict[str, dict] = {}
        self.reasons: list[str] = []

    def add(self, side: str, action: str, changes: dict | None, reason: str,
            rules: dict) -> None:
        self.side = side if self.side in ("", side) else "both"
        if action not in self.actions:
            self.actions.append(action)
        if reason and reason not in self.reasons:
            self.reasons.append(reason)
        if changes:
            diffs = self.changes.setdefault(side, {})
            if not rules:  # the row's reason decided every field (a create): as they are
                diffs.update(changes)
                return
            for name, (old, new) in changes.items():
                rule = rules.get(name)
                diffs[name] = [old, new, rule] if rule else [old, new]

    def values(self, portal_id: int, run_id: int | None, now: datetime) -> tuple:
        actions = self.actions
        action = actions[0] if len(actions) == 1 else min(
            actions, key=lambda a: _RANK.get(a, len(_RANK)))
        # `actions` as text[]'s literal, which COPY takes as it is: psycopg's dumper for
        # a list cost more than all the row's other columns. Action codes are bare words.
        return (portal_id, self.link.pk, run_id, self.side, action,
                "{" + ",".join(actions) + "}", self.changes, "; ".join(self.reasons), now)


def app_rules(config, plan) -> dict:
    """The rule of each app field a plan writes (the planner keeps them by hub property),
    for Changes.note: the history names, per field, the rule that decided it."""
    return {m.app_field: plan.reasons[m.hub_property] for m in config.mappings
            if m.app_field in plan.changes_app and m.hub_property in plan.reasons}


def save(changes: Changes, portal_id: int, run_id: int | None) -> None:
    bulkrows.insert(changes.new_links)
    bulkrows.update(list(changes.changed_links.values()), LINK_FIELDS)
    now = timezone.now()
    bulkrows.insert_rows(HistoryEntry, HISTORY_FIELDS, [
        row.values(portal_id, run_id, now) for row in changes.history.values()])


def delete_link(link: LinkColumns) -> None:
    """A link that gives way to another (a match found for an excluded record)."""
    Link.objects.filter(pk=link.pk).delete()


def new_link(sync_id: int, portal_id: int, **values) -> LinkRow:
    return LinkRow(object_sync_id=sync_id, portal_id=portal_id, **values)


def mark(link: AnyLink, status: str, *, category: str = "", message: str = "",
         reason: str = "", now: datetime | None = None) -> AnyLink:
    """Set a link's status and what goes with it; `now`: when it was last synced, if it
    is in sync now (a batch gives its own time, which all its rows share)."""
    link.status = status
    link.error_category = category
    link.error_message = message[:2000]
    link.exclusion_reason = reason
    link.refused = {}  # a refusal is set again by whoever marks it (syncs/run/executor.py)
    if category != "duplicate":  # a duplicate's candidates are set by its plan (step.py)
        link.candidates = {}
    if status == LinkStatus.IN_SYNC:
        link.last_synced_at = now or timezone.now()
    return link
