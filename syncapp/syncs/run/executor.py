"""Applying a batch's plan (engine/plan.py): app writes first, then one hub transaction.

Nothing here decides what to write: the plan says it. What is learnt only by writing
is settled here — what each side stored, refusals, failures — and recorded on the
links and in their history with the plan's own changes.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from connectors.sdk import AppRecord, ConnectorError, ErrorCategory
from syncapp.core import bulkrows
from syncapp.crm.bulk import ChangedSinceRead
from syncapp.crm.services import RecordInvalid
from syncapp.engine.config import HUB, SyncConfig
from syncapp.engine.plan import BatchPlan, PairUpdate
from syncapp.engine.rules import pack, split
from syncapp.syncs.models import LinkStatus
from syncapp.syncs.run import hubside, store
from syncapp.syncs.run.failures import fail, needs_action

APP = "app"


def observed_last(config: SyncConfig, hub: dict, app: dict) -> dict:
    """Last-synced values as both sides hold them now (after a create)."""
    return {m.hub_property: pack(hub.get(m.hub_property), m.hub_value(app.get(m.app_field)))
            for m in config.mappings}


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def execute(batch, plan: BatchPlan, on_commit=None) -> None:
    """Apply `plan`; `on_commit` runs inside the final transaction."""
    commit(batch, plan, send_to_app(batch, plan), on_commit)


@dataclass
class Sent:
    """What the app side of a batch did, for its hub transaction to record."""

    created_in_app: list  # ((link, AppCreate), outcome) per create sent
    app_failures: dict[str, ConnectorError]  # app id -> why its update failed
    stored: dict[int, dict] = field(default_factory=dict)  # a pair's last-synced as stored

    def outage(self) -> ConnectorError | None:
        """An error that says the whole app is down, limits us or refuses us, if any."""
        errors = [outcome.error for _, outcome in self.created_in_app if not outcome.ok]
        return next((e for e in [*errors, *self.app_failures.values()] if e.connection_wide),
                    None)


def send_to_app(batch, plan: BatchPlan) -> Sent:
    """The app's part of a batch: creates announced by committed pending links, then
    every app write, then the creates' links settled from the app's replies (in memory).
    Nothing of the hub is written yet."""
    batch.prepare()
    links = batch.applied
    batch.counts.update(plan.counts)
    created_in_app = _create_in_app(batch, plan, links)
    sent = Sent(created_in_app, {})
    sent.app_failures = _update_app(batch, plan.pairs, links, sent.stored)
    # Here, not in commit: reading ahead, the run waits for the commit's thread
    # (ahead.py), and this Python then shares the GIL with the next decision.
    _settle_app_creates(batch, created_in_app)
    return sent


def commit(batch, plan: BatchPlan, sent: Sent, on_commit=None) -> None:
    """The hub's part of a batch, in one transaction: hub writes, links, history and
    (`on_commit`) the cursors that cover them. It uses only the database, so it can run
    on a connection of its own while the next batch is read (syncs/run/ahead.py)."""
    config, links = batch.config, batch.applied
    with transaction.atomic():
        for ref in plan.dropped:  # before the links that take their place are saved
            store.delete_link(batch.known[ref])
            batch.changes.changed_links.pop(ref, None)
        _create_in_hub(batch, plan, links)
        hub_failures = _update_hub(batch, plan.pairs, sent.stored)
        for pair in plan.pairs:
            if not pair.quiet:
                _settle_pair(batch, links[pair.ref], pair, sent.stored.get(pair.ref),
                             (sent.app_failures.get(pair.app_id),
                              hub_failures.get(pair.hub_id)))
        store.save(batch.changes, config.portal_id, batch.run_id)
        if on_commit:
            on_commit()
    if batch.changes.new_links or batch.changes.changed_links:
        store.known_to_planner()  # the links it wrote are counted now
    outage = sent.outage()
    if outage is not None:
        # The app is down, limits us or refuses us: the batch is saved (its records
        # failed, the transient ones to be retried), and the run stops here to wait.
        raise outage


def _batch_size(batch) -> int:
    return write_chunk_size(batch.connector, batch.config.app_object)


def write_chunk_size(connector, app_object: str) -> int:
    """Items per app write call: one full batch per request the app may have in flight."""
    capabilities = connector.object(app_object).capabilities
    return max(1, capabilities.batch_size * capabilities.concurrent_requests
               if capabilities.batch_write else 50)


def links_of(batch, plan: BatchPlan) -> dict[int, store.LinkColumns]:
    """The plan's links as objects, its link changes made on them (statuses and notes
    recorded in the batch's changes); the pairs' links too."""
    config, changes = batch.config, batch.changes
    links: dict[int, store.LinkColumns] = {}
    for ref, change in plan.links.items():
        if change.new:
            link = store.new_link(config.object_sync_id, config.portal_id, **change.fields)
        else:
            link = batch.known[ref]
            for name, value in change.fields.items():
                setattr(link, name, value)
        if change.status:
            store.mark(link, change.status, category=change.category,
                       message=change.message, reason=change.reason)
            changes.touch(link)
        for note in change.notes or ():
            changes.note(link, note.side, note.action, reason=note.reason)
        links[ref] = link
    for pair in plan.pairs:
        if pair.ref not in links:
            links[pair.ref] = batch.known[pair.ref]
    return links


def _create_in_app(batch, plan: BatchPlan, links: dict[int, store.LinkColumns]) -> list:
    """Announce creates with committed pending links, then send them; returns outcomes."""
    creates = plan.app_creates
    if not creates:
        return []
    announced = timezone.now()  # a create still pending long after was cut short (runner)
    created = [(links[create.ref], create) for create in creates]
    for link, _ in created:
        link.status = LinkStatus.PENDING
        link.updated_at = announced
    with transaction.atomic():
        bulkrows.insert([link for link, _ in created if not link.pk])
        bulkrows.update([link for link, create in created if create.ref > 0],
                        store.LINK_FIELDS)
    outcomes = []
    items = [(str(create.hub_id), create.values) for create in creates]
    for chunk in _chunks(items, _batch_size(batch)):
        outcomes.extend(batch.connector.create(batch.config.app_object, chunk))
    return list(zip(created, outcomes, strict=True))


def _update_app(batch, pairs: list[PairUpdate], links: dict[int, store.LinkColumns],
                stored_last: dict[int, dict]) -> dict[str, ConnectorError]:
    items = [(pair.app_id, pair.plan.app_writes) for pair in pairs if pair.plan.app_writes]
    failures: dict[str, ConnectorError] = {}
    stored: dict[str, AppRecord] = {}
    conditional = _app_versions(batch, pairs)
    for chunk in _chunks(items, _batch_size(batch)):
        for outcome in batch.connector.update(batch.config.app_object, chunk, **conditional):
            if not outcome.ok:
                failures[outcome.ref] = outcome.error
            else:
                batch.counts["updated_app"] += 1
                if outcome.record is not None:
                    stored[outcome.ref] = outcome.record
    for pair in pairs:
        if pair.app_id in stored:
            last = _stored_last(stored_last, pair)
            _app_last_as_stored(batch.config, pair.plan.app_writes, last,
                                stored[pair.app_id].values)
            links[pair.ref].app_seen = stored[pair.app_id].stamp  # its echo is ours (echoes.py)
    return failures


def _stored_last(stored_last: dict[int, dict], pair: PairUpdate) -> dict:
    """A pair's last-synced values to adjust to what a side stored: a copy of the
    plan's, made once (the plan stays as it was planned)."""
    last = stored_last.get(pair.ref)
    if last is None:
        last = stored_last[pair.ref] = dict(pair.plan.last)
    return last


def _app_versions(batch, pairs: list[PairUpdate]) -> dict:
    """update()'s `versions` where the app can refuse a record changed since the plan
    read it (Capabilities.conditional_writes); nothing for the others."""
    return write_conditions(batch.connector, batch.config.app_object,
                            {pair.app_id: pair.app_version for pair in pairs
                             if pair.plan.app_writes})


def write_conditions(connector, app_object: str, versions: dict[str, str | None]) -> dict:
    """update()'s keyword arguments that make app writes conditional on the versions
    read (app id -> AppRecord.version), where the app offers a precondition."""
    if not connector.object(app_object).capabilities.conditional_writes:
        return {}
    return {"versions": {app_id: version for app_id, version in versions.items() if version}}


def _app_last_as_stored(config: SyncConfig, written: dict, last: dict, values: dict) -> None:
    """What the app stored may differ from what was sent (a name composed from its
    parts and split again differently): last-synced keeps what it stored, or the next
    run would take that for an app change. A field the reply leaves out stays as planned.

    Fields not written are taken from the reply only when the app reshaped a written
    one (their change is then its side effect); otherwise a change someone made there
    since our read must still be seen as theirs by the next run."""
    reshaped = any(values.get(f) is not None and values.get(f) != v for f, v in written.items())
    for mapping in config.mappings:
        value = values.get(mapping.app_field)
        if value is None or mapping.hub_property not in last:
            continue
        if mapping.app_field in written or reshaped:
            hub_side = split(last[mapping.hub_property])[0]
            last[mapping.hub_property] = pack(hub_side, mapping.hub_value(value))


def _create_in_hub(batch, plan: BatchPlan, links: dict[int, store.LinkColumns]) -> None:
    creates = plan.hub_creates
    if not creates:
        return
    config, new = batch.config, batch.new_hub_records
    results = hubside.create(config, new)
    for create, result, diff in zip(creates, results, new.changes, strict=True):
        link = batch.changes.touch(links[create.ref])
        if isinstance(result, RecordInvalid):
            fail(batch, link, HUB, result)
            continue
        link.hub_record_id = result.pk
        link.hub_name = result.display_name
        link.last_synced = observed_last(config, result.properties, create.app_values)
        store.mark(link, LinkStatus.IN_SYNC, now=batch.changes.now)
        # A create's diff is the same for the change log and the link's history.
        batch.changes.note(link, HUB, "created", diff, "no matching record in Syncapp")
        batch.counts["created_hub"] += 1


def _update_hub(batch, pairs: list[PairUpdate], stored_last: dict[int, dict],
                ) -> dict[int, RecordInvalid | ChangedSinceRead]:
    """Write the planned values, each record only if it still holds what the plan read
    (a person's edit landing while the app was called is never overwritten)."""
    updates = {pair.hub_id: pair.plan.hub_writes for pair in pairs if pair.plan.hub_writes}
    results = hubside.update(batch.config, updates, _hub_read(batch.config, pairs))
    failures = {}
    for pair in pairs:
        result = results.get(pair.hub_id)
        if isinstance(result, RecordInvalid | ChangedSinceRead):
            failures[pair.hub_id] = result
        elif result is not None:
            last = _stored_last(stored_last, pair)
            _last_as_stored(pair.plan.hub_writes, last, pair.hub_values, result)
            if result:
                batch.counts["updated_hub"] += 1
    return failures


def _hub_read(config: SyncConfig, pairs: list[PairUpdate]) -> dict[int, dict]:
    """Per hub record written, the values its plan was made from: every mapped property
    and every property written (the default lifecycle stage)."""
    mapped = [m.hub_property for m in config.mappings]
    return {pair.hub_id: {name: pair.hub_values.get(name)
                          for name in (*mapped, *pair.plan.hub_writes)}
            for pair in pairs if pair.plan.hub_writes}


def _last_as_stored(written: dict, last: dict, before: dict, changes: dict) -> None:
    """The hub stores values cleaned (text trimmed, numbers in one form): last-synced
    keeps what it stored, or the next run would take the cleaning for a hub change
    and write it back to the app."""
    for prop in written:
        if prop in last:
            stored = changes[prop][1] if prop in changes else before.get(prop)
            last[prop] = pack(stored, split(last[prop])[1])


def refused_unchanged(config: SyncConfig, link, hub: dict, app: dict) -> bool:
    """A write refused for a person to act on (a duplicate, a rejected value) is not
    sent again while neither side changed since: change feeds re-read records (the
    app's lag window), and each re-read would send the same refused write. A change on
    either side, or Retry (which forgets the refusal), sends it again."""
    return (link.status == LinkStatus.FAILED and bool(link.refused)
            and link.refused == observed_last(config, hub, app))


def _refusal(config: SyncConfig, pair: PairUpdate, last: dict, failed: set[str]) -> dict:
    """What both sides hold after this batch, as refused_unchanged will see them on a
    re-read: the writes that went through as stored, the refused fields as they were."""
    now = observed_last(config, pair.hub_values, pair.app_values)
    return {**now, **{k: v for k, v in last.items() if k not in failed}}


def _changed_since_read(error) -> bool:
    """A side that changed after the plan read it was not written; its change reaches
    the next run (the hub's change log, the app's change feed), which plans the pair
    again from what both sides hold then. Not a failure."""
    return isinstance(error, ChangedSinceRead) or (
        isinstance(error, ConnectorError) and error.category == ErrorCategory.CHANGED_SINCE_READ)


def _left_alone(pair: PairUpdate, app_error, hub_error) -> bool:
    """Nothing of an already linked pair was written, each planned side having changed
    since it was read: the link stays exactly as it was, last-synced values included."""
    skipped = (_changed_since_read(app_error), _changed_since_read(hub_error))
    return (any(skipped) and (skipped[0] or not pair.plan.app_writes)
            and (skipped[1] or not pair.plan.hub_writes) and pair.last is not None
            and not pair.note)


def _settle_pair(batch, link: store.LinkColumns, pair: PairUpdate, stored_last: dict | None,
                 errors) -> None:
    """Record a pair's outcome; `stored_last`: its last-synced values as the sides
    stored them (a copy, None when nothing was written), `errors`: (app's, hub's)."""
    plan, (app_error, hub_error) = pair.plan, errors
    if _left_alone(pair, app_error, hub_error):
        return
    batch.changes.touch(link)
    link.hub_name = pair.hub_name
    last = dict(plan.last) if stored_last is None else stored_last
    # A side changed since read keeps its fields' last-synced values, as a failed write
    # does; the other side's writes happened, and last-synced says so: else the next run
    # would take our own (stale) write there for a change and let it win a conflict.
    failed = _failed_fields(batch.config, plan, app_error, hub_error)
    _keep_previous(last, pair.last or {}, failed)
    skipped = {side for side, e in ((APP, app_error), (HUB, hub_error)) if _changed_since_read(e)}
    app_error, hub_error = (None if side in skipped else e
                            for side, e in ((APP, app_error), (HUB, hub_error)))
    if pair.note:
        batch.changes.note(link, HUB, "linked", {}, pair.note)
    if plan.changes_hub and hub_error is None and HUB not in skipped:
        batch.changes.note(link, HUB, "updated", plan.changes_hub, rules=plan.reasons)
    if plan.changes_app and app_error is None and APP not in skipped:
        batch.changes.note(link, APP, "updated", plan.changes_app,
                           rules=store.app_rules(batch.config, plan))
    link.last_synced = last
    if app_error is not None and app_error.category == ErrorCategory.NOT_FOUND:
        store.mark(link, LinkStatus.DELETED_IN_APP, category=str(app_error.category),
                   message="The record was deleted in the app.")
        batch.counts["deleted"] += 1
    elif app_error is not None or hub_error is not None:
        error = app_error or hub_error
        fail(batch, link, APP if app_error else HUB, error, note=False)
        if needs_action(error):
            link.refused = _refusal(batch.config, pair, last, failed)
    elif link.status != LinkStatus.IN_SYNC or plan.writes_anything or pair.last is None:
        store.mark(link, LinkStatus.IN_SYNC, now=batch.changes.now)


def _failed_fields(config, plan, app_error, hub_error) -> set[str]:
    """Hub properties whose write failed this batch."""
    hub_of_app_field = {m.app_field: m.hub_property for m in config.mappings}
    failed = set()
    if app_error is not None:
        failed |= {hub_of_app_field[f] for f in plan.app_writes if f in hub_of_app_field}
    if hub_error is not None:
        failed |= set(plan.hub_writes)
    return failed


def _keep_previous(last, previous, failed: set[str]) -> None:
    """A write that failed did not happen: its fields keep their old last-synced value."""
    for prop in failed:
        if prop in previous:
            last[prop] = previous[prop]
        else:
            last.pop(prop, None)


def _settle_app_creates(batch, created) -> None:
    for (link, create), outcome in created:
        batch.changes.touch(link)
        if not outcome.ok:
            fail(batch, link, APP, outcome.error)
            continue
        link.app_id = outcome.record.id
        link.app_seen = outcome.record.stamp  # its echo is ours (echoes.py)
        link.app_name = batch.app_name(outcome.record)
        link.last_synced = observed_last(batch.config, create.hub_values,
                                         outcome.record.values)
        store.mark(link, LinkStatus.IN_SYNC, now=batch.changes.now)
        batch.changes.note(link, APP, "created", {k: [None, v] for k, v in
                                                   outcome.record.values.items()
                                                   if v is not None},
                           "no matching record in the app")
        batch.counts["created_app"] += 1
