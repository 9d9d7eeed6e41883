"""Writing many hub records at once (sync batches), with a result per record.

Same rules as crm.services — values cleaned, one live contact per email, every
write change-logged in the same transaction — but in a few queries per batch,
and one bad record never fails the others.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from syncapp.core import bulkrows
from syncapp.crm.models import ChangeAction, ChangeLogEntry, Record
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

UPDATE_FIELDS = ["properties", "display_name", "sort_key", "email_key", "name_key",
                 "domain_key", "sku_key", "updated_at"]


def _taken_emails(portal, object_type: str, emails: set[str], exclude_ids=()) -> set[str]:
    if not emails:
        return set()
    taken = Record.objects.for_portal(portal).live().filter(
        object_type=object_type, email_key__any_of=emails).exclude(pk__any_of=list(exclude_ids))
    return set(taken.values_list("email_key", flat=True))


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
    bulkrows.insert_rows(ChangeLogEntry, LOG_FIELDS,
                         _log_rows(records_and_changes, action, actor))


def create_many(portal, object_type: str, rows: list[dict],
                actor: Actor = SYSTEM) -> list[Record | RecordInvalid]:
    """Create a record per row; each result is the Record or why it was refused."""
    shapes = property_shapes(portal, object_type)
    results: list[Record | RecordInvalid] = []
    for values in rows:
        cleaned, errors = clean_values(shapes, values)
        if errors:
            results.append(RecordInvalid(errors))
            continue
        record = Record(portal=portal, object_type=object_type)
        _apply(record, {k: v for k, v in cleaned.items() if v is not None})
        results.append(record)
    _refuse_duplicate_emails(portal, object_type, results)
    fresh = [r for r in results if isinstance(r, Record)]
    try:
        with transaction.atomic():
            bulkrows.insert(fresh)
            _log([(r, _diff({}, r.properties)) for r in fresh], ChangeAction.CREATE, actor)
    except IntegrityError:  # someone took an email meanwhile: go one by one
        return [_create_one(portal, object_type, r, actor) for r in results]
    return results


def _create_one(portal, object_type, result, actor):
    if not isinstance(result, Record):
        return result
    try:
        with transaction.atomic():
            return create_record(portal, object_type, result.properties, actor,
                                 require_identity=False)
    except RecordInvalid as exc:
        return exc


def _refuse_duplicate_emails(portal, object_type, results, exclude_ids=()) -> None:
    keyed = [(i, r) for i, r in enumerate(results) if isinstance(r, Record) and r.email_key]
    taken = _taken_emails(portal, object_type, {r.email_key for _, r in keyed}, exclude_ids)
    for index, record in keyed:
        if record.email_key in taken:
            results[index] = _duplicate_email_error(record)
        taken.add(record.email_key)  # the first in the batch wins


def update_many(portal, updates: dict[int, dict],
                actor: Actor = SYSTEM) -> dict[int, dict | RecordInvalid]:
    """Apply {record id: {property: value}}; each result is the logged diff or the refusal."""
    if not updates:
        return {}
    shapes = property_shapes_by_type(portal, updates)
    results: dict[int, dict | RecordInvalid] = {}
    with transaction.atomic():
        records = list(Record.objects.for_portal(portal).filter(pk__any_of=list(updates))
                       .order_by("pk").select_for_update())
        changed = []
        for record in records:
            outcome = _prepare_update(record, updates[record.pk], shapes[record.object_type])
            results[record.pk] = outcome
            if isinstance(outcome, dict) and outcome:
                changed.append((record, outcome))
        changed = _drop_duplicate_email_updates(portal, changed, results)
        now = timezone.now()
        for record, _changes in changed:
            record.updated_at = now
        bulkrows.update([r for r, _ in changed], UPDATE_FIELDS)
        _log(changed, ChangeAction.UPDATE, actor)
    for missing in set(updates) - set(results):
        results[missing] = RecordInvalid({"record": "The record no longer exists."})
    return results


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


def _drop_duplicate_email_updates(portal, changed, results):
    emails = {r.email_key for r, c in changed if "email" in c and r.email_key}
    if not emails:
        return changed
    object_types = {r.object_type for r, _ in changed}
    taken = set()
    for object_type in object_types:
        taken |= _taken_emails(portal, object_type, emails, [r.pk for r, _ in changed])
    kept = []
    for record, changes in changed:
        if "email" in changes and record.email_key in taken:
            results[record.pk] = _duplicate_email_error(record)
            continue
        taken.add(record.email_key)
        kept.append((record, changes))
    return kept

