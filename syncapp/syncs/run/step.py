"""One batch of a run: gather both sides, decide per record (a BatchPlan), apply it.

Deciding reads everything it needs (links, hub records, the app's records) and
writes nothing; the executor then applies the plan, in an order that keeps every
crash safe to redo: app creates are announced by a committed "pending" link first;
then app writes; then one transaction holds the hub writes, the links, the history
and the cursors that cover them. The wizard's dry run makes the same plans.
"""

from collections import Counter

from connectors.sdk import AppRecord
from syncapp.crm.bulk import NewRecords
from syncapp.engine.config import HUB, SyncConfig
from syncapp.engine.limits import DIRECTION, exclusion_reason
from syncapp.engine.matching import Ambiguous, choose, match_keys
from syncapp.engine.plan import BatchPlan, HubCreate, Note, PairUpdate
from syncapp.engine.planner import hub_values_from_app, plan_pair
from syncapp.syncs.models import FAILED_FALLBACK_CATEGORY, LinkStatus
from syncapp.syncs.run import hubside, store
from syncapp.syncs.run.ahead import Footprint
from syncapp.syncs.run.executor import execute, links_of, refused_unchanged
from syncapp.syncs.run.field_labels import FieldLabels
from syncapp.syncs.run.hub_matching import HubMatching
from syncapp.syncs.run.hubside import HubRecord

DELETED = {LinkStatus.DELETED_IN_APP, LinkStatus.DELETED_IN_HUB, LinkStatus.DELETED_BOTH}
GONE: dict[str, str] = {  # what a link deleted on a side tells people
    LinkStatus.DELETED_IN_APP: "The record was deleted in the app.",
    LinkStatus.DELETED_IN_HUB: "The record was deleted in Syncapp.",
    LinkStatus.DELETED_BOTH: "The record was deleted in Syncapp and in the app.",
}


def app_name(config: SyncConfig, record: AppRecord) -> str:
    """How lists name an app record: its name fields, else its id."""
    parts = [record.values.get(f) or "" for f in config.app_name_fields]
    return " ".join(p for p in parts if p)[:300] or record.id


class BatchRun(HubMatching):
    def __init__(self, config: SyncConfig, connector, run_id: int | None, counts: Counter,
                 *, retry_pending: bool = False, lookup: store.LinkLookup = store,
                 field_labels: FieldLabels | None = None):
        self.config = config
        self.connector = connector
        self.run_id = run_id
        self.counts = counts
        # Pending links are creates in flight, left alone; the runner retries the ones a
        # dead worker left behind with this on.
        self.retry_pending = retry_pending
        self.lookup = lookup
        self.changes = store.Changes()
        self.plan = BatchPlan()
        self.known: dict[int, store.LinkColumns] = {}  # existing links the plan names, by pk
        self.applied: dict[int, store.LinkColumns] = {}  # every link of the plan (prepare)
        self._paired_hubs: set[int] = set()
        self.field_labels = field_labels or FieldLabels(connector, config.app_object)
        self.footprint = Footprint()  # what the decision read (syncs/run/ahead.py)
        self.new_hub_records: NewRecords | None = None  # made ready by prepare()

    # --- entry points ------------------------------------------------------------------

    def process(self, app_records=(), hub_ids=(), deleted_app_ids=(), hub_records=None,
                on_commit=None) -> None:
        """Sync these app records and hub records; `on_commit` runs in the final
        transaction (the runner advances its cursors there)."""
        self.decide(app_records, hub_ids, deleted_app_ids, hub_records)
        execute(self, self.plan, on_commit)

    def decide(self, app_records=(), hub_ids=(), deleted_app_ids=(),
               hub_records=None) -> BatchPlan:
        """The plan for these records: every read happens here, no write."""
        apps = {r.id: r for r in app_records}  # a record read twice: the later wins
        hubs = dict(hub_records or {})
        hub_ids = set(hub_ids) | set(hubs)
        by_app, by_hub = self._links_for(set(apps) | set(deleted_app_ids), hub_ids)
        self._deleted_in_app(deleted_app_ids, by_app)
        hubs.update(hubside.load(self.config.portal_id, self.config.hub_object,
                                 (hub_ids | {link.hub_record_id for link in by_app.values()
                                             if link.hub_record_id}) - set(hubs)))
        self.footprint.app_ids.update(apps, deleted_app_ids)
        self.footprint.hub_ids.update(hubs)
        unlinked_apps = self._pair_app_side(apps, by_app, hubs)
        unlinked_hubs = self._pair_hub_side(hub_ids, by_hub, hubs, apps)
        self._consider_apps(unlinked_apps, by_app)
        self._consider_hubs(unlinked_hubs, by_hub)
        return self.plan

    def prepare(self) -> None:
        """Make ready what the plan's writes need and no write does, once: its links as
        objects, its link changes made on them (`applied`), and its hub creates as
        records ready to insert (`new_hub_records`). Reading ahead calls this while the
        batch before commits (ahead.py), off the commit's path; else the executor does."""
        if self.new_hub_records is not None:
            return
        self.applied = links_of(self, self.plan)
        self.new_hub_records = hubside.prepare_creates(
            self.config, [create.values for create in self.plan.hub_creates])

    def touched_links(self) -> list[store.LinkColumns]:
        """Every link the applied batch wrote or paired (an association may be all
        that changed on a pair in step)."""
        return [*self.changes.new_links, *self.changes.changed_links.values(),
                *(self.applied[pair.ref] for pair in self.plan.pairs),
                *(self.known[ref] for ref in self.plan.held)]

    def _links_for(self, app_ids, hub_ids):
        by_app, by_hub = self.lookup.links_for(self.config.object_sync_id, app_ids, hub_ids)
        self._know(by_app.values())
        self._know(by_hub.values())
        return by_app, by_hub

    def _know(self, links) -> None:
        footprint = self.footprint
        for link in links:
            self.known[link.pk] = link
            if link.app_id:
                footprint.app_ids.add(link.app_id)
            if link.hub_record_id:
                footprint.hub_ids.add(link.hub_record_id)

    def _status(self, link: store.LinkColumns) -> str:
        """A link's status as this plan leaves it so far (a record deleted in the app
        and changed in the hub in one batch is marked once)."""
        change = self.plan.links.get(link.pk)
        return change.status if change is not None and change.status else link.status

    # --- pairing ------------------------------------------------------------------------

    def _deleted_in_app(self, deleted_ids, by_app) -> None:
        """App records the app reports deleted. A failed link without a hub record (a
        duplicate, say) leaves the failed list too: it is the app record's link."""
        for app_id in deleted_ids:
            link = by_app.get(app_id)
            if link is None or self._status(link) in (LinkStatus.DELETED_IN_APP,
                                                      LinkStatus.DELETED_BOTH):
                continue
            if self._status(link) == LinkStatus.DELETED_IN_HUB:
                # The other side was deleted before: say both, so neither hides the other.
                self._mark_deleted(link, LinkStatus.DELETED_BOTH, "app", "deleted")
            elif link.hub_record_id or self._status(link) == LinkStatus.FAILED:
                self._mark_deleted(link, LinkStatus.DELETED_IN_APP, "app", "deleted")
                self.plan.counts["deleted"] += 1

    def _deleted_in_hub(self, link: store.LinkColumns) -> None:
        status = self._status(link)
        if status == LinkStatus.DELETED_IN_APP:
            self._mark_deleted(link, LinkStatus.DELETED_BOTH, HUB, "deleted")
        elif status not in DELETED:
            self._mark_deleted(link, LinkStatus.DELETED_IN_HUB, HUB, "deleted")
            self.plan.counts["deleted"] += 1

    def _back_on_one_side(self, link: store.LinkColumns, side: str) -> None:
        """Deleted on both sides, then restored by hand on `side` (the app's recycle bin,
        Undo delete in the hub): only the other side's record is gone now."""
        status = LinkStatus.DELETED_IN_HUB if side == "app" else LinkStatus.DELETED_IN_APP
        self._mark_deleted(link, status, side, "restored")

    def _mark_deleted(self, link: store.LinkColumns, status: str, side: str, action: str) -> None:
        self.plan.link(link.pk).mark(status, Note(side, action, GONE[status]),
                                     category=str(FAILED_FALLBACK_CATEGORY[status]),
                                     message=GONE[status])

    def _pair_app_side(self, apps, by_app, hubs) -> list[AppRecord]:
        unlinked = []
        for app_id, record in apps.items():
            link = by_app.get(app_id)
            if link is None or link.hub_record_id is None or self._status(link) == (
                    LinkStatus.EXCLUDED):
                unlinked.append(record)
                continue
            hub = hubs.get(link.hub_record_id)
            if hub is None or hub.archived:
                # The app record is live (read just now): a link that stored it as
                # deleted says now that only the hub's is gone. Else the hub's deletion,
                # read in the same batch, would make it "deleted on both sides" and the
                # next read of this record would correct it then.
                status = self._status(link)
                if status == LinkStatus.DELETED_BOTH or (
                        status == link.status == LinkStatus.DELETED_IN_APP):
                    self._back_on_one_side(link, "app")
                continue  # deleted in hub: waits for the hub record to come back
            # A link deleted on a side whose record is back on both (restored by hand,
            # here or there) syncs again from its last-synced values, as a run would.
            self._pair(link, hub, record, link.last_synced or None)
        return unlinked

    def _pair_hub_side(self, hub_ids, by_hub, hubs, apps) -> list[HubRecord]:
        unlinked, need_app = [], []
        for hub_id in sorted(hub_ids):
            hub, link = hubs.get(hub_id), by_hub.get(hub_id)
            if hub is None:
                continue
            status = None if link is None else self._status(link)
            if link is None or link.app_id is None:
                if hub.archived and status == LinkStatus.FAILED:
                    self._deleted_in_hub(link)  # a failed create whose record is gone
                elif not hub.archived and (status != LinkStatus.PENDING
                                           or self.retry_pending):
                    unlinked.append(hub)
                continue
            if hub.archived:
                self._deleted_in_hub(link)
                continue
            if link.app_id in apps or status == LinkStatus.DELETED_IN_APP:
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
                if self._status(link) == LinkStatus.DELETED_BOTH:
                    self._back_on_one_side(link, HUB)  # the hub record is back, not the app's
                else:
                    self._mark_deleted(link, LinkStatus.DELETED_IN_APP, "app", "deleted")
                    self.plan.counts["deleted"] += 1
                continue
            self._pair(link, hub, record, link.last_synced or None)

    def _pair(self, link: store.LinkColumns | None, hub: HubRecord, record: AppRecord,
              last: dict | None, *, note: str = "", ref: int | None = None) -> None:
        """A linked pair's update; `link` None: a link this batch makes (`ref`)."""
        self._paired_hubs.add(hub.id)
        status = None if link is None else self._status(link)
        if status == LinkStatus.FAILED and refused_unchanged(self.config, link, hub.values,
                                                            record.values):
            assert link is not None  # only a link has a status
            self.plan.held.append(link.pk)
            return
        plan = plan_pair(self.config, hub.values, record.values, last,
                         modified=(hub.modified_at, record.modified_at))
        if plan.hub_writes:  # a new identifier value is a key another batch may look up
            self.footprint.keys.update(
                (rule.column, key) for rule, key in self.hub_keys_of({**hub.values,
                                                                      **plan.hub_writes}))
        # In step already: its link is not rewritten (echoes of our own writes and
        # unchanged re-reads are most of what a run reads).
        quiet = (link is not None and last is not None and not note
                 and not plan.writes_anything and status == LinkStatus.IN_SYNC
                 and link.last_synced == plan.last and link.hub_name == hub.name)
        if ref is None:
            assert link is not None  # a link this batch makes comes with its `ref`
            ref = link.pk
        self.plan.pairs.append(PairUpdate(
            ref, hub.id, hub.values, hub.name, record.id,
            record.values, last, plan, note, quiet, record.version))

    # --- unlinked records ---------------------------------------------------------------

    def _consider_apps(self, records, by_app) -> None:
        config = self.config
        waiting = []
        for record in records:
            reason = exclusion_reason(record.values, config.app_filters,
                                      email_field=config.app_email_field,
                                      identifier_fields=config.app_identifier_fields)
            link = by_app.get(record.id)
            keys = match_keys(config.match_rules, record.values)
            names = {"app_name": self.app_name(record),
                     "match_key": keys[0][1] if keys else ""}
            if link is None:
                names["app_id"] = record.id
                ref = self.plan.new_link(names).ref
            else:
                ref = link.pk
                self.plan.link(ref).fields.update(names)
            if reason:
                self._exclude(ref, link, "app", reason)
                continue
            waiting.append((record, keys, ref, link))
        self._match_apps(waiting)

    def _match_apps(self, waiting) -> None:
        wanted = {(rule.column, key) for _, keys, _, _ in waiting for rule, key in keys}
        candidates = hubside.candidates(self.config, wanted) if wanted else {}
        ids = {i for found in candidates.values() for i in found}
        self.footprint.keys.update(wanted)
        self.footprint.hub_ids.update(ids)
        claimed = self.lookup.claimed(self.config.object_sync_id, ids)
        matched = []
        held: dict[int, list[str]] = {}  # hub record id -> the app records naming it
        for record, keys, ref, link in waiting:
            match = choose(keys, candidates, claimed)
            if isinstance(match, Ambiguous):
                self.plan.link(ref).fields["match_key"] = match.key  # found again by it
                self._duplicate(ref, link, "app", match, {"hub": list(match.candidates)})
                for hub_id in set(match.candidates) - set(match.claimed):
                    held.setdefault(hub_id, []).append(record.id)
                claimed.update(match.candidates)  # later records of the batch: taken
            elif match:
                claimed.add(match.candidate)
                matched.append((record, ref, link, match.candidate, match.note))
            elif self.config.writes_hub:
                values = hub_values_from_app(self.config, record.values)
                self.plan.hub_creates.append(HubCreate(ref, record.id, record.values, values))
            else:
                self._exclude(ref, link, "app", DIRECTION)
        self._link_matches(matched)
        self._hold_hub_candidates(held)

    def _link_matches(self, matched) -> None:
        hub_ids = [hub_id for *_, hub_id, _ in matched]
        hubs = hubside.load(self.config.portal_id, self.config.hub_object, hub_ids)
        _by_app, existing = self._links_for((), hub_ids)
        for record, own_ref, own, hub_id, note in matched:
            # The hub record may hold a link already (excluded, or a pending create of
            # ours): that link becomes the pair's, so a pair is never recorded twice.
            link, ref, held = own, own_ref, existing.get(hub_id)
            if held is not None and held.app_id is None:
                self._give_way(own_ref)  # the app record's own link gives way
                link, ref = held, held.pk
            self.plan.link(ref).fields.update(app_id=record.id, hub_record_id=hub_id,
                                              app_name=self.app_name(record))
            self.plan.counts["matched"] += 1
            self._pair(link, hubs[hub_id], record, None, note=note, ref=ref)

    def _give_way(self, ref: int) -> None:
        """A link replaced by another: dropped if stored, forgotten if just planned."""
        change = self.plan.links.pop(ref, None)
        if change is None or not change.new:
            self.plan.dropped.append(ref)

    # --- helpers ------------------------------------------------------------------------

    def app_name(self, record: AppRecord) -> str:
        return app_name(self.config, record)

    def _exclude(self, ref: int, link: store.LinkColumns | None, side: str, reason: str) -> None:
        change = self.plan.links.get(ref)
        status: str | None
        if change is not None and change.status:
            status, was = change.status, change.reason
        else:
            status, was = (None, "") if link is None else (link.status, link.exclusion_reason)
        if status == LinkStatus.EXCLUDED and was == reason:
            return
        self.plan.link(ref).mark(LinkStatus.EXCLUDED, Note(side, "excluded", reason),
                                 reason=reason)
        self.plan.exclusions.append((ref, side, reason))
        self.plan.counts["excluded"] += 1

