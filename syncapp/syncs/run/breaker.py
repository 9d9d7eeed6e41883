"""The mass-change circuit breaker around an incremental run (DESIGN "Safety").

A run reads its pages first and keeps them (`RunPages`), so the app is read once.
When what it read cannot cross a threshold (each record read changes one record at
most; engine/breaker.could_trip), it goes on as before: a quiet run pays one query.
Otherwise it reads every page, decides them all over a link overlay, as the dry run
does, and compares the plan plus what the sync applied in the last hour with the
sync's thresholds. Crossed: nothing is written (no record, link, cursor or history),
the held changes are stored for the review page and the sync needs review. Approve
lets the next run through once, if its own re-plan is the one approved; otherwise
it holds again and shows the difference.
"""

import hashlib
import json
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from connectors.sdk.connector import Connector
from connectors.sdk.records import DeletedPage, Page
from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.crm.changelog import ChangeCursor, read_changes
from syncapp.engine.breaker import Volume, could_trip, limits, tripped, volume_of
from syncapp.engine.config import SyncConfig
from syncapp.syncs.counts import counts_for
from syncapp.syncs.models import HistoryEntry, LinkStatus, ObjectSync, Run, RunStatus
from syncapp.syncs.models.held import MASS_CHANGE, GuardState, HeldChange, HeldKind, guard_of
from syncapp.syncs.run.echoes import drop_own_echoes
from syncapp.syncs.run.overlay import LinkOverlay
from syncapp.syncs.run.step import DELETED, BatchRun

# Pages read ahead at most; past this, the run applies (or holds) what it read and the
# next step checks the rest, counting what was applied meanwhile.
READ_AHEAD = 10_000
UNPAIRED = {LinkStatus.EXCLUDED, LinkStatus.PENDING}
DIFFERENCE_SHOWN = 200
PASS, HOLD = "pass", "hold"


@dataclass
class PageSet:
    """One step's worth: a page of app changes, of deletions, of hub changes."""

    app: Page
    deleted: DeletedPage | None
    hub_ids: set[int]
    hub_entries: int
    hub_cursor: ChangeCursor


@dataclass
class RunPages:
    """An incremental run's pages, read ahead and applied in order."""

    sync: ObjectSync
    config: SyncConfig
    connector: Connector
    batch: int
    queued: deque = field(default_factory=deque)
    read: int = 0
    app_done: bool = False
    deleted_done: bool = False
    hub_done: bool = False
    # App records an earlier page of the run paired: a later page's copy was read
    # before that page's writes (see `fresh`).
    settled: set[str] = field(default_factory=set)

    def __post_init__(self):
        self.app_cursor = self.sync.app_cursor or None
        self.deleted_cursor = self.sync.deleted_cursor or None
        self.hub_cursor = ChangeCursor.decode(self.sync.hub_cursor)
        capabilities = self.connector.object(self.config.app_object).capabilities
        self.deleted_done = not capabilities.deleted_records
        self.has_deleted = capabilities.deleted_records

    @property
    def all_read(self) -> bool:
        return self.app_done and self.deleted_done and self.hub_done

    @property
    def finished(self) -> bool:
        return self.all_read and not self.queued

    def read_next(self) -> None:
        """One page of each source that has more."""
        app = Page([], None, True)
        if not self.app_done:
            app = self.connector.read_changes(self.config.app_object, self.app_cursor,
                                              limit=self.batch)
            self.app_cursor, self.app_done = app.cursor or self.app_cursor, app.done
        deleted = DeletedPage([], None, True) if self.has_deleted else None
        if not self.deleted_done:
            deleted = self.connector.read_deleted(self.config.app_object, self.deleted_cursor,
                                                  limit=self.batch)
            self.deleted_cursor, self.deleted_done = (deleted.cursor or self.deleted_cursor,
                                                      deleted.done)
        entries = []
        if not self.hub_done:
            entries, self.hub_cursor = read_changes(
                self.sync.portal, self.hub_cursor, limit=self.batch,
                object_type=self.sync.hub_object)
            self.hub_done = len(entries) < self.batch
        hub_ids = {e.record_id for e in entries if e.object_sync_id != self.sync.pk}
        self.read += len(app.records) + len(deleted.records if deleted else ()) + len(hub_ids)
        self.queued.append(PageSet(app, deleted, hub_ids, len(entries), self.hub_cursor))

    def read_ahead(self) -> None:
        while not self.all_read and self.read < READ_AHEAD:
            self.read_next()

    def take(self) -> PageSet:
        return self.queued.popleft()

    def fresh(self, records: list) -> list:
        """A page's app records as a page-by-page run would read them: one an earlier
        page paired (and may have written) was read before that write, so it is read
        again by id (our write's echo then, or a later edit); gone since: dropped."""
        again = [r.id for r in records if r.id in self.settled]
        if not again:
            return records
        found = {r.id: r for r in self.connector.read_by_ids(self.config.app_object, again)}
        return [found.get(r.id, r) if r.id in self.settled else r for r in records
                if r.id not in self.settled or r.id in found]

    def settle(self, plan) -> None:
        self.settled.update(pair.app_id for pair in plan.pairs)

    def cursors(self) -> dict:
        """Where reading stopped: past every page read (Discard moves the sync there)."""
        found = {"app_cursor": self.app_cursor or self.sync.app_cursor,
                 "hub_cursor": self.hub_cursor.encode()}
        if self.has_deleted:
            found["deleted_cursor"] = self.deleted_cursor or self.sync.deleted_cursor
        return found


def recent_volume(sync) -> Volume:
    """What the sync's runs applied in the last hour (their `guard_*` counts)."""
    since = timezone.now() - timedelta(hours=1)
    total = Volume()
    for counts in Run.objects.filter(object_sync=sync, started_at__gte=since).values_list(
            "counts", flat=True):
        total = total + Volume.from_counts(counts or {})
    return total


def changed_last_hour(sync) -> set[int]:
    """The links whose values the sync's counted runs changed in the last hour: a record
    edited ten times is one record changed, not ten (the run's history rows, by the
    history's (run, link) index)."""
    since = timezone.now() - timedelta(hours=1)
    runs = [pk for pk, counts in Run.objects.filter(
        object_sync=sync, started_at__gte=since).values_list("pk", "counts")
        if (counts or {}).get("guard_changed")]
    if not runs:
        return set()
    return set(HistoryEntry.objects.filter(run_id__in=runs, actions__contains=["updated"])
               .values_list("link_id", flat=True).distinct())


def linked_count(sync) -> int:
    """Links holding a pair (in sync, failed or deleted on a side), from the tallies the
    Postgres triggers keep: no count over a million links."""
    by_status = counts_for([sync.pk])[sync.pk].by_status
    return int(sum(n for status, n in by_status.items() if status not in UNPAIRED))


def check(runner, pages: RunPages) -> str:
    """PASS (apply the pages as read) or HOLD (the run held, nothing written).

    Sets `runner.counted` False when the run applies an approved plan: what a person
    approved does not count against the next hour's runs."""
    pages.read_next()
    if not pages.read:
        return PASS
    guard = guard_of(runner.sync)
    if guard.approved_run_id == runner.run.pk:
        runner.counted = False
        return PASS
    pages.read_ahead()
    recent, linked = recent_volume(runner.sync), linked_count(runner.sync)
    approving = guard.state == GuardState.HELD and bool(guard.approved_key)
    if not approving and not could_trip(pages.read, recent, linked, guard.thresholds):
        return PASS
    planned, rows, changing = plan_ahead(runner.config, runner.connector, pages)
    recent = replace(recent, changed=len(changed_last_hour(runner.sync) - changing))
    kinds = tripped(planned, recent, linked, guard.thresholds)
    key = plan_key(rows)
    if approving and key == guard.approved_key:
        _let_through(guard, runner)
        return PASS
    if not kinds:
        if guard.state == GuardState.HELD:
            _clear(guard)
        return PASS
    summary = {"tripped": kinds, "planned": planned.as_counts(), "recent": recent.as_counts(),
               "limits": limits(guard.thresholds, linked).as_counts(), "linked": linked}
    hold(runner, guard, pages, rows, summary=summary, key=key)
    return HOLD


def plan_ahead(config, connector, pages: RunPages) -> tuple[Volume, list[dict], set[int]]:
    """Every page read, decided over an overlay (nothing written): the plan's volume,
    its changes as held rows, and the links whose values it changes.

    A pair an earlier page decided is not decided again: its two records were read
    then as they are now, and the overlay does not hold what the app would have
    written, so a second decision would plan that write again, the other way (and a
    hub record it creates in the app, that create again). A contact edited 40 times
    between runs is one record changed, not one per page of the change log it fills."""
    overlay = LinkOverlay()
    total, rows = Volume(), []
    changing: set[int] = set()
    settled_app: set[str] = set()
    settled_hub: set[int] = set()
    for page in pages.queued:
        app_records, _echoes = drop_own_echoes(config, page.app.records)
        batch = BatchRun(config, connector, None, Counter(), lookup=overlay)
        plan = batch.decide(app_records=[r for r in app_records if r.id not in settled_app],
                            hub_ids=page.hub_ids - settled_hub,
                            deleted_app_ids=[d.id for d in page.deleted.records]
                            if page.deleted else ())
        settled_app.update(pair.app_id for pair in plan.pairs)
        settled_hub.update(pair.hub_id for pair in plan.pairs if pair.hub_id)
        settled_hub.update(create.hub_id for create in plan.app_creates)
        total = total + volume_of(plan)
        changing.update(pair.ref for pair in plan.pairs
                        if pair.plan.writes_anything and pair.ref > 0)
        rows.extend(held_rows(batch, plan))
        links = overlay.take(batch, plan, config.object_sync_id, config.portal_id)
        for create in plan.hub_creates:
            links[create.ref].hub_record_id = overlay.next_id()
        for link in links.values():
            overlay.keep(link)
    return total, rows, changing


def held_rows(batch: BatchRun, plan) -> list[dict]:
    """The plan's writes, one row per field and side (HeldChange's columns)."""
    rows: list[dict] = []
    for pair in plan.pairs:
        if not pair.plan.writes_anything:
            continue
        base = {"kind": HeldKind.UPDATE, "link_id": pair.ref if pair.ref > 0 else None,
                "hub_id": pair.hub_id, "app_id": pair.app_id,
                "name": pair.hub_name or pair.app_id}
        for side, changes in (("hub", pair.plan.changes_hub), ("app", pair.plan.changes_app)):
            rows.extend({**base, "side": side, "field": name, "before": old, "after": new}
                        for name, (old, new) in sorted(changes.items()))
    for create in plan.hub_creates:
        name = plan.links[create.ref].fields.get("app_name") or create.app_id
        rows.extend({"kind": HeldKind.CREATE, "side": "hub", "link_id": None, "hub_id": None,
                     "app_id": create.app_id, "name": name, "field": prop, "before": None,
                     "after": value} for prop, value in sorted(create.values.items()))
    for create in plan.app_creates:
        name = plan.links[create.ref].fields.get("hub_name") or str(create.hub_id)
        rows.extend({"kind": HeldKind.CREATE, "side": "app", "link_id": None,
                     "hub_id": create.hub_id, "app_id": "", "name": name, "field": app_field,
                     "before": None, "after": value}
                    for app_field, value in sorted(create.values.items()))
    for ref, change in plan.links.items():
        link = batch.known.get(ref)
        if link is None or change.status not in DELETED or not change.notes:
            continue
        rows.append({"kind": HeldKind.DELETE, "side": change.notes[-1].side, "link_id": ref,
                     "hub_id": link.hub_record_id, "app_id": link.app_id or "",
                     "name": link.hub_name or link.app_name or link.app_id or "",
                     "field": "", "before": link.status, "after": change.status})
    return rows


def _row_key(row: dict) -> tuple:
    return (row["kind"], row["side"], row["hub_id"] or 0, row["app_id"] or "", row["field"])


def plan_key(rows: list[dict]) -> str:
    """A digest of the held changes: records, fields, and the values before and after.
    A record edited since the hold changes it."""
    ordered = sorted(([*_row_key(r), r["before"], r["after"]] for r in rows),
                     key=lambda r: json.dumps(r[:5]))
    return hashlib.sha256(json.dumps(ordered, sort_keys=True, default=str).encode()).hexdigest()


def difference(old: list[dict], new: list[dict]) -> list[dict]:
    """The held changes that are not as they were: what a person approved vs now."""
    before = {_row_key(r): r for r in old}
    after = {_row_key(r): r for r in new}
    found = []
    for key in sorted(set(before) | set(after), key=lambda k: json.dumps(k, default=str)):
        was, now = before.get(key), after.get(key)
        if was and now and (was["before"], was["after"]) == (now["before"], now["after"]):
            continue
        row = now or before[key]  # the key is on one side at least
        found.append({"name": row["name"], "side": row["side"], "field": row["field"],
                      "held": [was["before"], was["after"]] if was else None,
                      "now": [now["before"], now["after"]] if now else None})
        if len(found) >= DIFFERENCE_SHOWN:
            break
    return found


def _stored_rows(sync_id: int) -> list[dict]:
    return list(HeldChange.objects.filter(object_sync_id=sync_id).values(
        "kind", "side", "link_id", "hub_id", "app_id", "name", "field", "before", "after"))


@transaction.atomic
def hold(runner, guard, pages: RunPages, rows: list[dict], *, summary: dict, key: str) -> None:
    """Store the held changes, end the run as held and pause the sync for review."""
    sync, now = runner.sync, timezone.now()
    shown = difference(_stored_rows(sync.pk), rows) if guard.approved_key else []
    HeldChange.objects.filter(object_sync_id=sync.pk).delete()
    HeldChange.objects.bulk_create(
        [HeldChange(portal_id=sync.portal_id, object_sync_id=sync.pk, **row) for row in rows],
        batch_size=2000)
    guard.state, guard.held_at, guard.held_run_id = GuardState.HELD, now, runner.run.pk
    guard.summary, guard.plan_key, guard.approved_key = summary, key, ""
    guard.cursors, guard.difference, guard.approved_run_id = pages.cursors(), shown, None
    guard.save()
    message = "Held for review: " + ", ".join(summary["tripped"])
    Run.objects.filter(pk=runner.run.pk).update(status=RunStatus.PAUSED, finished_at=now,
                                                error_category=MASS_CHANGE,
                                                error_message=message)
    sync.pause_reason, sync.pause_message = MASS_CHANGE, message
    ObjectSync.objects.filter(pk=sync.pk).update(pause_reason=MASS_CHANGE,
                                                 pause_message=message, updated_at=now)
    audit.record(None, AuditAction.RUN_HELD, sync, {"tripped": summary["tripped"],
                                                    "planned": summary["planned"]})


@transaction.atomic
def _let_through(guard, runner) -> None:
    """The approved plan, re-planned unchanged: this run applies it past the limits."""
    HeldChange.objects.filter(object_sync_id=guard.object_sync_id).delete()
    guard.state, guard.approved_key, guard.plan_key = GuardState.CLEAR, "", ""
    guard.approved_run_id, guard.difference = runner.run.pk, []
    guard.save()
    runner.counted = False


@transaction.atomic
def _clear(guard) -> None:
    """Held earlier, within the limits now (the changes were undone meanwhile)."""
    HeldChange.objects.filter(object_sync_id=guard.object_sync_id).delete()
    guard.state, guard.approved_key, guard.plan_key, guard.difference = (
        GuardState.CLEAR, "", "", [])
    guard.save()
