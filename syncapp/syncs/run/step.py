"""One batch of a run: gather both sides, decide per record, write, record why.

The order keeps every crash safe to redo: app creates are announced by a
committed "pending" link first; then app writes; then one transaction holds the
hub writes, the links, the history and the cursors that cover them.
"""

from collections import Counter
from dataclasses import dataclass, field

from connectors.sdk import AppRecord
from syncapp.engine.config import HUB, SyncConfig
from syncapp.engine.limits import DIRECTION, exclusion_reason
from syncapp.engine.matching import NORMALIZERS, choose, match_keys
from syncapp.syncs.models import FAILED_FALLBACK_CATEGORY, Link, LinkStatus
from syncapp.syncs.run import hubside, store
from syncapp.syncs.run.executor import execute
from syncapp.syncs.run.field_labels import FieldLabels
from syncapp.syncs.run.hubside import HubRecord

DELETED = {LinkStatus.DELETED_IN_APP, LinkStatus.DELETED_IN_HUB, LinkStatus.DELETED_BOTH}
GONE = {  # what a link deleted on a side tells people
    LinkStatus.DELETED_IN_APP: "The record was deleted in the app.",
    LinkStatus.DELETED_IN_HUB: "The record was deleted in Syncapp.",
    LinkStatus.DELETED_BOTH: "The record was deleted in Syncapp and in the app.",
}


@dataclass
class Pair:
    link: Link
    hub: HubRecord
    app: AppRecord
    last: dict | None  # None: just linked (merge)
    note: str = ""


@dataclass
class Work:
    """What a batch has decided, before anything is written."""

    pairs: list[Pair] = field(default_factory=list)
    hub_creates: list[tuple[Link, AppRecord]] = field(default_factory=list)
    app_creates: list[tuple[Link, HubRecord]] = field(default_factory=list)


class BatchRun:
    def __init__(self, config: SyncConfig, connector, run_id: int | None, counts: Counter,
                 *, retry_pending: bool = False):
        self.config = config
        self.connector = connector
        self.run_id = run_id
        self.counts = counts
        # Pending links are creates in flight, left alone; the runner retries the ones a
        # dead worker left behind with this on.
        self.retry_pending = retry_pending
        self.changes = store.Changes()
        self.work = Work()
        self.field_labels = FieldLabels(connector, config.app_object)

    # --- entry points ------------------------------------------------------------------

    def process(self, app_records=(), hub_ids=(), deleted_app_ids=(), hub_records=None,
                on_commit=None) -> None:
        """Sync these app records and hub records; `on_commit` runs in the final
        transaction (the runner advances its cursors there)."""
        apps = {r.id: r for r in app_records}  # a record read twice: the later wins
        hubs = dict(hub_records or {})
        hub_ids = set(hub_ids) | set(hubs)
        by_app, by_hub = store.links_for(self.config.object_sync_id, set(apps) |
                                         set(deleted_app_ids), hub_ids)
        self._deleted_in_app(deleted_app_ids, by_app)
        hubs.update(hubside.load(self.config.portal_id, self.config.hub_object,
                                 (hub_ids | {link.hub_record_id for link in by_app.values()
                                             if link.hub_record_id}) - set(hubs)))
        unlinked_apps = self._pair_app_side(apps, by_app, hubs)
        unlinked_hubs = self._pair_hub_side(hub_ids, by_hub, hubs, apps)
        self._consider_apps(unlinked_apps, by_app)
        self._consider_hubs(unlinked_hubs, by_hub)
        self._write(on_commit)

    # --- pairing ------------------------------------------------------------------------

    def _deleted_in_app(self, deleted_ids, by_app) -> None:
        """App records the app reports deleted. A failed link without a hub record (a
        duplicate, say) leaves the failed list too: it is the app record's link."""
        for app_id in deleted_ids:
            link = by_app.get(app_id)
            if link is None or link.status in (LinkStatus.DELETED_IN_APP,
                                               LinkStatus.DELETED_BOTH):
                continue
            if link.status == LinkStatus.DELETED_IN_HUB:
                # The other side was deleted before: say both, so neither hides the other.
                self._mark_deleted(link, LinkStatus.DELETED_BOTH, "app", "deleted")
            elif link.hub_record_id or link.status == LinkStatus.FAILED:
                self._mark_deleted(link, LinkStatus.DELETED_IN_APP, "app", "deleted")
                self.counts["deleted"] += 1

    def _deleted_in_hub(self, link: Link) -> None:
        if link.status == LinkStatus.DELETED_IN_APP:
            self._mark_deleted(link, LinkStatus.DELETED_BOTH, HUB, "deleted")
        elif link.status not in DELETED:
            self._mark_deleted(link, LinkStatus.DELETED_IN_HUB, HUB, "deleted")
            self.counts["deleted"] += 1

    def _back_on_one_side(self, link: Link, side: str) -> None:
        """Deleted on both sides, then restored by hand on `side` (the app's recycle bin,
        Undo delete in the hub): only the other side's record is gone now."""
        status = LinkStatus.DELETED_IN_HUB if side == "app" else LinkStatus.DELETED_IN_APP
        self._mark_deleted(link, status, side, "restored")

    def _mark_deleted(self, link: Link, status: str, side: str, action: str) -> None:
        self._set(link, status, side, action, category=FAILED_FALLBACK_CATEGORY[status],
                  message=GONE[status])

    def _pair_app_side(self, apps, by_app, hubs) -> list[AppRecord]:
        unlinked = []
        for app_id, record in apps.items():
            link = by_app.get(app_id)
            if link is None or link.hub_record_id is None or link.status == (
                    LinkStatus.EXCLUDED):
                unlinked.append(record)
                continue
            hub = hubs.get(link.hub_record_id)
            if hub is None or hub.archived:
                if link.status == LinkStatus.DELETED_BOTH:
                    self._back_on_one_side(link, "app")
                continue  # deleted in hub: waits for the hub record to come back
            # A link deleted on a side whose record is back on both (restored by hand,
            # here or there) syncs again from its last-synced values, as a run would.
            self.work.pairs.append(Pair(link, hub, record, link.last_synced or None))
        return unlinked

    def _pair_hub_side(self, hub_ids, by_hub, hubs, apps) -> list[HubRecord]:
        unlinked, need_app = [], []
        for hub_id in sorted(hub_ids):
            hub, link = hubs.get(hub_id), by_hub.get(hub_id)
            if hub is None:
                continue
            if link is None or link.app_id is None:
                if hub.archived and link is not None and link.status == LinkStatus.FAILED:
                    self._deleted_in_hub(link)  # a failed create whose record is gone
                elif not hub.archived and (link is None or link.status != LinkStatus.PENDING
                                           or self.retry_pending):
                    unlinked.append(hub)
                continue
            if hub.archived:
                self._deleted_in_hub(link)
                continue
            if link.app_id in apps or link.status == LinkStatus.DELETED_IN_APP:
                continue  # already paired from the app side, or the app record is gone
            # Live in the hub: in step, or back (restored by hand) on a deleted link.
            need_app.append((link, hub))
        self._fetch_app_side(need_app)
        return unlinked

    def _fetch_app_side(self, need) -> None:
        if not need:
            return
        ids = [link.app_id for link, _ in need]
        found = {r.id: r for r in self.connector.read_by_ids(self.config.app_object, ids)}
        for link, hub in need:
            record = found.get(link.app_id)
            if record is None:
                if link.status == LinkStatus.DELETED_BOTH:
                    self._back_on_one_side(link, HUB)  # the hub record is back, not the app's
                else:
                    self._mark_deleted(link, LinkStatus.DELETED_IN_APP, "app", "deleted")
                    self.counts["deleted"] += 1
                continue
            self.work.pairs.append(Pair(link, hub, record, link.last_synced or None))

    # --- unlinked records ---------------------------------------------------------------

    def _consider_apps(self, records, by_app) -> None:
        config = self.config
        waiting = []
        for record in records:
            reason = exclusion_reason(record.values, config.app_filters,
                                      email_field=config.app_email_field,
                                      identifier_field=config.app_identifier_field)
            link = by_app.get(record.id) or self._new_link(app_id=record.id)
            link.app_name = self._app_name(record)
            keys = match_keys(config.match_rules, record.values)
            link.match_key = keys[0][1] if keys else ""
            if reason:
                self._exclude(link, "app", reason)
                continue
            waiting.append((record, keys, link))
        self._match_apps(waiting)

    def _match_apps(self, waiting) -> None:
        wanted = {(rule.column, key) for _, keys, _ in waiting for rule, key in keys}
        candidates = hubside.candidates(self.config, wanted) if wanted else {}
        ids = {i for found in candidates.values() for i in found}
        claimed = store.claimed(self.config.object_sync_id, ids)
        matched: list[tuple[AppRecord, Link, int, str]] = []
        for record, keys, link in waiting:
            match = choose(keys, candidates, claimed)
            if match:
                claimed.add(match.hub_id)
                matched.append((record, link, match.hub_id, match.note))
            elif self.config.writes_hub:
                self.work.hub_creates.append((link, record))
            else:
                self._exclude(link, "app", DIRECTION)
        self._link_matches(matched)

    def _link_matches(self, matched) -> None:
        hub_ids = [hub_id for _, _, hub_id, _ in matched]
        hubs = hubside.load(self.config.portal_id, self.config.hub_object, hub_ids)
        _by_app, existing = store.links_for(self.config.object_sync_id, (), hub_ids)
        for record, own, hub_id, note in matched:
            # The hub record may hold a link already (excluded, or a pending create of
            # ours): that link becomes the pair's, so a pair is never recorded twice.
            link, held = own, existing.get(hub_id)
            if held is not None and held.app_id is None:
                if own.pk:
                    store.delete_link(own)  # the app record's own excluded link gives way
                link = held
            link.app_id, link.hub_record_id = record.id, hub_id
            link.app_name = self._app_name(record)
            self.counts["matched"] += 1
            self.work.pairs.append(Pair(link, hubs[hub_id], record, None, note))

    def _consider_hubs(self, records, by_hub) -> None:
        config = self.config
        # An app record of this batch may just have matched one of them: that hub
        # record is paired now, and a second link for it would break the batch.
        paired = {pair.hub.id for pair in self.work.pairs}
        waiting = []
        for hub in records:
            if hub.id in paired:
                continue
            reason = exclusion_reason(hub.values, config.hub_filters,
                                      email_field=config.hub_email_field,
                                      identifier_field=config.hub_identifier_field)
            link = by_hub.get(hub.id) or self._new_link(hub_record_id=hub.id)
            link.hub_name = hub.name
            if reason:
                self._exclude(link, HUB, reason)
                continue
            waiting.append((hub, link, self._hub_keys(hub)))
        self._match_hubs(waiting)

    def _hub_keys(self, hub: HubRecord) -> list[str]:
        keys = []
        for rule in self.config.match_rules:
            key = NORMALIZERS[rule.normalizer](hub.values.get(rule.hub_property))
            if key:
                keys.append(key)
        return keys

    def _match_hubs(self, waiting) -> None:
        app_only = store.app_only_by_key(self.config.object_sync_id,
                                         {k for _, _, keys in waiting for k in keys})
        taken: set[int] = set()
        to_fetch = []
        for hub, link, keys in waiting:
            # By the first identifier, oldest link first; the others go in the history.
            free = list({c.pk: c for key in keys for c in app_only.get(key, [])
                         if c.pk not in taken}.values())
            if free:
                taken.add(free[0].pk)
                to_fetch.append((hub, link, free[0], [c.app_id for c in free[1:]]))
            else:
                self._unmatched_hub(link, hub)
        self._link_app_only(to_fetch)

    def _unmatched_hub(self, link: Link, hub: HubRecord) -> None:
        if self.config.writes_app:
            self.work.app_creates.append((link, hub))
        else:
            self._exclude(link, HUB, DIRECTION)

    def _link_app_only(self, to_fetch) -> None:
        if not to_fetch:
            return
        ids = [candidate.app_id for _, _, candidate, _ in to_fetch]
        found = {r.id: r for r in self.connector.read_by_ids(self.config.app_object, ids)}
        for hub, link, candidate, others in to_fetch:
            record = found.get(candidate.app_id)
            if record is None:
                # Deleted since it was listed: its link names nothing any more, and the
                # hub record goes on as if nothing had matched (else it would be lost).
                store.delete_link(candidate)
                self._unmatched_hub(link, hub)
                continue
            if link.pk:  # the hub record's own excluded link gives way to the app's
                store.delete_link(link)
            candidate.hub_record_id = hub.id
            candidate.hub_name = hub.name
            self.counts["matched"] += 1
            note = f"matched by identifier “{candidate.match_key}”"
            if others:
                note += (f"; {len(others) + 1} candidates, chose app record {candidate.app_id}"
                         f" (considered first) over {', '.join(others[:5])}")
            self.work.pairs.append(Pair(candidate, hub, record, None, note))

    # --- helpers ------------------------------------------------------------------------

    def _new_link(self, **values) -> Link:
        return store.new_link(self.config.object_sync_id, self.config.portal_id, **values)

    def _app_name(self, record: AppRecord) -> str:
        parts = [record.values.get(f) or "" for f in self.config.app_name_fields]
        return " ".join(p for p in parts if p)[:300] or record.id

    def _set(self, link, status, side, action, *, category="", message="", reason=""):
        store.mark(link, status, category=str(category), message=message, reason=reason)
        self.changes.touch(link)
        self.changes.note(link, side, action, reason=message or reason)

    def _exclude(self, link: Link, side: str, reason: str) -> None:
        if link.status == LinkStatus.EXCLUDED and link.exclusion_reason == reason:
            return
        self._set(link, LinkStatus.EXCLUDED, side, "excluded", reason=reason)
        self.counts["excluded"] += 1

    def _write(self, on_commit) -> None:
        execute(self, on_commit)
