"""Writing many hub records at once (sync batches), with a result per record.

Same rules as crm.services — values cleaned, one live contact per email, every
write change-logged in the same transaction — but in a few queries per batch,
and one bad record never fails the others.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from syncapp.core import bulkrows
from syncapp.crm import signals
from syncapp.crm.identifier_table import IDENTIFIER_COLUMNS
from syncapp.crm.models import ChangeAction, ChangeLogEntry, Record
from syncapp.crm.schema import RECORD_SOURCE
from syncapp.crm.services import (
    SYSTEM,
    Actor,
    RecordInvalid,
    _apply,
    _diff,
    _duplicate_email_error,
    create_record,
    property_shapes,
)
from syncapp.crm.validation import clean_values

UPDATE_FIELDS = ["properties", "display_name", "sort_key", *IDENTIFIER_COLUMNS,
                 "updated_at"]


def live_by_key(portal_id: int, object_type: str, column: str, keys) -> list[tuple[str, int]]:
    """(key, record id) of the live records of a portal and type whose identifier
    `column` (IDENTIFIER_COLUMNS) holds one of `keys`: one index probe per key.

    Not `column = ANY(keys)`: for a sync batch's 2,000 keys on 100,000 records the
    planner costs a scan of every record below 2,000 probes, and takes it (two parallel
    workers, 64-69 ms, or 80 ms alone), where the probes take 23-36 ms. The probe per
    key does not depend on the statistics (syncs/run/store.py asks links the same way).
    """
    if column not in IDENTIFIER_COLUMNS:
        raise ValueError(f"{column} is not an identifier column")
    keys = list(keys)
    if not keys:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.key, r.id FROM json_array_elements_text(%s::json) AS k(key) "  # noqa: S608
            "CROSS JOIN LATERAL "
            # OFFSET 0 keeps the subquery a probe per key (the planner may not flatten it).
            f"(SELECT {column} AS key, id FROM {Record._meta.db_table} WHERE portal_id = %s "
            f"AND object_type = %s AND archived_at IS NULL AND {column} = k.key OFFSET 0) AS r",
            [bulkrows.as_json_param(keys), portal_id, object_type])
        return cursor.fetchall()


def _taken_emails(portal, object_type: str, emails: set[str], exclude_ids=()) -> set[str]:
    excluded = set(exclude_ids)
    return {key for key, pk in live_by_key(portal.pk, object_type, "email_key", emails)
            if pk not in excluded}


LOG_FIELDS = ["portal_id", "record_id", "object_type", "action", "changes", "user_id",
              "object_sync_id", "created_at"]


def _log_rows(records_and_changes, action: str, actor: Actor) -> list[tuple]:
    """Change-log rows in LOG_FIELDS order (the transaction id is the database's)."""
    now = timezone.now()
    user_id = actor.user.pk if actor.user is not None else None
    return [(record.portal_id, record.pk, record.object_type, action, changes, user_id,
             actor.object_sync_id, now)
            for record, changes in records_and_changes]


def _log(records_and_changes, action: str, actor: Actor) -> None:
    rows = _log_rows(records_and_changes, action, actor)
    bulkrows.insert_rows(ChangeLogEntry, LOG_FIELDS, rows)
    if rows:
        signals.announce(rows[0][0], {row[2] for row in rows}, actor.object_sync_id)


@dataclass(frozen=True)
class NewRecords:
    """Records made ready to create (values cleaned, columns derived, change-log diffs
    made), not written yet: the part of create_many that needs no write, which a sync
    batch does while the batch before it commits (syncs/run/ahead.py)."""

    portal: object
    object_type: str
    results: list[Record | RecordInvalid]  # per row: its Record, or why it is refused
    changes: list[dict | None]  # per row: its change-log diff (None where refused)


def prepare_creates(portal, object_type: str, rows: list[dict], *,
                    source: str = "") -> NewRecords:
    """create_many's first half: each row cleaned into a Record (no pk yet) or refused
    (invalid values, or an email a live record or an earlier row holds).
    `source`: the Record source the records get (a sync's "Created by sync: …")."""
    if not rows:  # most of a sync's batches (it reads no property shapes for them)
        return NewRecords(portal, object_type, [], [])
    shapes = property_shapes(portal, object_type)
    tag = {RECORD_SOURCE: source} if source else {}
    blank = _blank_records(portal, object_type)
    results: list[Record | RecordInvalid] = []
    changes: list[dict | None] = []
    for values in rows:
        cleaned, errors = clean_values(shapes, values)
        if errors:
            results.append(RecordInvalid(errors))
            changes.append(None)
            continue
        record = blank()
        _apply(record, {**{k: v for k, v in cleaned.items() if v is not None}, **tag})
        results.append(record)
        changes.append(_diff({}, record.properties))
    _refuse_duplicate_emails(portal, object_type, results)
    return NewRecords(portal, object_type, results, changes)


def _blank_records(portal, object_type: str) -> Callable[[], Record]:
    """Makes new, unsaved Records of one portal and type, each a copy of one made by
    Record(): 0.5 µs each, against 6.9 for Model.__init__, which walks every field and
    sends pre_init and post_init (no receiver here listens to either). Each copy gets
    its own state; its properties are set by _apply, never shared with the first."""
    first = Record(portal=portal, object_type=object_type)
    columns = {name: value for name, value in vars(first).items() if name != "_state"}
    related = first._state.fields_cache  # the portal, as Record() caches it

    def blank() -> Record:
        record = Record.__new__(Record)
        vars(record).update(columns)
        record._state = ModelState()
        record._state.fields_cache = dict(related)
        return record

    return blank


def insert_creates(new: NewRecords, actor: Actor = SYSTEM) -> list[Record | RecordInvalid]:
    """create_many's second half: write the records `new` holds, each result the Record
    or why it was refused. An email another live record took since `new` was made
    ready fails the batch's insert on the unique live-email index: then the records go
    one by one, and only the one whose email is taken is refused."""
    portal, object_type = new.portal, new.object_type
    results = list(new.results)
    fresh = [(r, c) for r, c in zip(results, new.changes, strict=True)
             if isinstance(r, Record)]
    try:
        with transaction.atomic():
            bulkrows.insert([r for r, _ in fresh])
            _log(fresh, ChangeAction.CREATE, actor)
    except IntegrityError:  # someone took an email meanwhile: go one by one
        return [_create_one(portal, object_type, r, actor) for r in results]
    return results


def create_many(portal, object_type: str, rows: list[dict],
                actor: Actor = SYSTEM, *, source: str = "") -> list[Record | RecordInvalid]:
    """Create a record per row; each result is the Record or why it was refused.
    `source`: the Record source the records get (a sync's "Created by sync: …")."""
    return insert_creates(prepare_creates(portal, object_type, rows, source=source), actor)


def _create_one(portal, object_type, result, actor):
    if not isinstance(result, Record):
        return result
    try:
        with transaction.atomic():
            values = dict(result.properties)
            return create_record(portal, object_type, values, actor, require_identity=False,
                                 source=values.pop(RECORD_SOURCE, ""))
    except RecordInvalid as exc:
        return exc


def _refuse_duplicate_emails(portal, object_type, results, exclude_ids=()) -> None:
    keyed = [(i, r) for i, r in enumerate(results) if isinstance(r, Record) and r.email_key]
    taken = _taken_emails(portal, object_type, {r.email_key for _, r in keyed}, exclude_ids)
    for index, record in keyed:
        if record.email_key in taken:
            results[index] = _duplicate_email_error(record)
        taken.add(record.email_key)  # the first in the batch wins


@dataclass(frozen=True)
class ChangedSinceRead:
    """A record that no longer holds what the caller read: it was left as it is."""

    properties: tuple[str, ...]  # the properties read that hold something else now


def update_many(portal, updates: dict[int, dict], actor: Actor = SYSTEM,
                read: dict[int, dict] | None = None,
                ) -> dict[int, dict | RecordInvalid | ChangedSinceRead]:
    """Apply {record id: {property: value}}; each result is the logged diff or the refusal.

    `read` makes the writes optimistic: {record id: {property: value as the caller read
    it}}. A record that holds another value for any of them now (someone edited it since)
    is not written, and its result says so; the comparison is made on the rows as locked
    for the write, so nothing can slip in between, and it costs no query of its own.
    """
    if not updates:
        return {}
    shapes = property_shapes_by_type(portal, updates)
    results: dict[int, dict | RecordInvalid | ChangedSinceRead] = {}
    with transaction.atomic():
        records = list(Record.objects.for_portal(portal).filter(pk__any_of=list(updates))
                       .order_by("pk").select_for_update())
        moved = _changed_since_read(records, read or {})
        results.update(moved)
        records = [r for r in records if r.pk not in moved]
        held = _EmailsHeld(records)
        changed = []
        for record in records:
            outcome = _prepare_update(record, updates[record.pk], shapes[record.object_type])
            results[record.pk] = outcome
            if isinstance(outcome, dict) and outcome:
                changed.append((record, outcome))
        changed = _drop_duplicate_email_updates(portal, changed, results, held)
        now = timezone.now()
        for record, _changes in changed:
            record.updated_at = now
        changed = _write(changed, results, held)
        _log(changed, ChangeAction.UPDATE, actor)
    for missing in set(updates) - set(results):
        results[missing] = RecordInvalid({"record": "The record no longer exists."})
    return results


def _changed_since_read(records: list[Record], read: dict[int, dict]
                        ) -> dict[int, ChangedSinceRead]:
    """The locked records whose properties differ from what the caller read of them.

    A property absent from a record reads as None (the hub never stores None)."""
    moved = {}
    for record in records:
        expected = read.get(record.pk)
        if expected is None:
            continue
        differ = tuple(sorted(name for name, value in expected.items()
                              if record.properties.get(name) != value))
        if differ:
            moved[record.pk] = ChangedSinceRead(differ)
    return moved


def property_shapes_by_type(portal, updates) -> dict[str, dict]:
    types = set(Record.objects.for_portal(portal).filter(pk__any_of=list(updates))
                .values_list("object_type", flat=True))
    return {object_type: property_shapes(portal, object_type) for object_type in types}


def _prepare_update(record: Record, values: dict, shapes) -> dict | RecordInvalid:
    cleaned, errors = clean_values(shapes, values)
    if errors:
        return RecordInvalid(errors)
    old = dict(record.properties)
    new = {k: v for k, v in {**old, **cleaned}.items() if v is not None}
    changes = _diff(old, new)
    if changes:
        _apply(record, new)
    return changes


class _EmailsHeld:
    """The email each record of a batch held before it: what the unique live-email
    index knows of them until the batch is written."""

    def __init__(self, records: list[Record]):
        self.before = {r.pk: r.email_key for r in records}
        self.type = {r.pk: r.object_type for r in records}
        self.live = {r.pk for r in records if not r.is_archived}

    def moves(self, record: Record) -> bool:
        """The record takes an email it did not hold."""
        return bool(record.email_key) and record.email_key != self.before[record.pk]

    def kept(self, refused: set[int], moving: set[int]) -> set[tuple[str, str]]:
        """(type, email) live records of the batch still hold once it is written."""
        return {(self.type[pk], key) for pk, key in self.before.items()
                if key and pk in self.live and (pk not in moving or pk in refused)}

    def releasing(self, changed) -> list[int]:
        """Records of `changed` that leave an email they held."""
        return [r.pk for r, _ in changed if self.before[r.pk] and
                r.email_key != self.before[r.pk] and r.pk in self.live]


def _drop_duplicate_email_updates(portal, changed, results, held: _EmailsHeld):
    """Refuse the updates that would leave one live email on two records.

    What counts is where every email ends up once the batch is written: an email a
    record of the batch leaves is free for another of the batch (two people trading
    an email), unless the leaver's own update is refused and it keeps the email; so
    the refusals are worked out again until none is added. The first in the batch wins.
    """
    moving = [r for r, c in changed if held.moves(r)]
    if not moving:
        return changed
    outside = set()
    for object_type in {r.object_type for r in moving}:
        wanted = {r.email_key for r in moving if r.object_type == object_type}
        outside |= {(object_type, key) for key in
                    _taken_emails(portal, object_type, wanted, list(held.before))}
    moving_ids, refused = {r.pk for r in moving}, set()
    while True:
        taken = outside | held.kept(refused, moving_ids)
        before = len(refused)
        for record in (r for r in moving if r.pk not in refused):
            key = (record.object_type, record.email_key)
            if key in taken:
                refused.add(record.pk)
            taken.add(key)
        if len(refused) == before:
            break
    for record in moving:
        if record.pk in refused:
            results[record.pk] = _duplicate_email_error(record)
    return [(r, c) for r, c in changed if r.pk not in refused]


def _write(changed, results, held: _EmailsHeld):
    """Write the batch; returns what was written.

    The unique live-email index is checked row by row as one UPDATE goes, so the
    records that leave an email let go of it first, then all are written. Someone
    else may have taken an email since it was checked: then record by record, and
    only the record that cannot be written is refused, never the batch.
    """
    try:
        with transaction.atomic():
            releasing = held.releasing(changed)
            if releasing:
                Record.objects.filter(pk__any_of=releasing).update(email_key=None)
            bulkrows.update([r for r, _ in changed], UPDATE_FIELDS)
    except IntegrityError:
        return _write_one_by_one(changed, results)
    return changed


def _write_one_by_one(changed, results):
    """Each record in its own savepoint, again while any gets through (one may wait
    for another of the batch to leave its email)."""
    waiting, written = list(changed), []
    while waiting:
        failed = []
        for record, changes in waiting:
            try:
                with transaction.atomic():
                    bulkrows.update([record], UPDATE_FIELDS)
            except IntegrityError:
                failed.append((record, changes))
            else:
                written.append((record, changes))
        if len(failed) == len(waiting):
            break
        waiting = failed
    for record, _ in waiting:  # none got through: each wants an email still held
        results[record.pk] = _duplicate_email_error(record)
    return written
