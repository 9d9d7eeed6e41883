"""Keeping associations between linked records (DESIGN.md "Associations").

Kept only while a sync of the other object type runs on the same connection;
a record's primary company only; invoices to contacts only. An association
whose other record is not linked yet marks the link, and is retried later.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from connectors.sdk import AssociationRecord, ConnectorError
from syncapp.crm.models import Association, Record
from syncapp.crm.services import Actor, RecordInvalid, associate, association_allowed, orient
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus, ObjectSync, SyncState
from syncapp.syncs.run.store import LinkColumns

SINGLE_PRIMARY = {"company"}  # "Where a record has several companies, only the primary one"


@dataclass(frozen=True)
class Partner:
    """Another object sync of the connection that this one's associations point to."""

    sync: ObjectSync
    app_object: str

    @property
    def hub_object(self) -> str:
        return self.sync.hub_object


def partners(sync: ObjectSync, spec_object) -> list[Partner]:
    others = {
        s.app_object: s for s in ObjectSync.objects.filter(
            connection_id=sync.connection_id, state=SyncState.ON).exclude(pk=sync.pk)
    }
    found = []
    for association in spec_object.associations:
        other = others.get(association.to_object)
        if other is None or not association_kept(sync.hub_object, other.hub_object):
            continue
        found.append(Partner(other, association.to_object))
    return found


def association_kept(from_type: str, to_type: str) -> bool:
    """Whether syncs keep associations between these two hub object types (the wizard's
    "Association mappings" view says the same)."""
    if from_type == "invoice" and to_type != "contact":
        return False  # the product we follow associates invoices to contacts only
    return association_allowed(from_type, to_type) or association_allowed(to_type, from_type)


def sync_associations(sync: ObjectSync, config, connector, links: Sequence[LinkColumns],
                      run_id: int | None) -> int:
    """Bring the associations of `links` in step with each partner sync; returns writes."""
    spec_object = connector.object(config.app_object)
    pairs = [lk for lk in links if lk.status == LinkStatus.IN_SYNC and lk.hub_record_id
             and lk.app_id]
    if not pairs or not spec_object.associations:  # nothing to keep, no flag to clear
        return 0
    writes, pending = 0, set()
    for partner in partners(sync, spec_object):
        job = _Job(sync, config, connector, partner, pairs, run_id=run_id)
        writes += job.run()
        pending |= job.pending
    Link.objects.filter(pk__in=[lk.pk for lk in pairs], associations_pending=True).exclude(
        pk__in=pending).update(associations_pending=False)
    Link.objects.filter(pk__in=pending).update(associations_pending=True)
    return writes


class _Job:
    def __init__(self, sync, config, connector, partner: Partner, links, *, run_id):
        self.sync, self.config, self.connector = sync, config, connector
        self.partner, self.links, self.run_id = partner, links, run_id
        self.pending: set[int] = set()
        other = Link.objects.filter(object_sync=partner.sync, status=LinkStatus.IN_SYNC,
                                    hub_record__isnull=False, app_id__isnull=False)
        self.other_links = other

    def run(self) -> int:
        app_pairs = self._app_pairs()
        hub_pairs = self._hub_pairs()
        to_app = self._to_app_ids(set(hub_pairs.items()))
        to_hub = self._to_hub_ids(set(app_pairs.items()))
        writes = 0
        if self.config.writes_hub:
            writes += self._write_hub(to_hub, hub_pairs)
        if self.config.writes_app:
            writes += self._write_app(to_app, app_pairs)
        return writes

    # --- read both sides ----------------------------------------------------------------

    def _app_pairs(self) -> dict[str, str]:
        """{from app id: to app id}: one per record for single-primary kinds."""
        try:
            found = self.connector.read_associations(
                self.config.app_object, [lk.app_id for lk in self.links],
                self.partner.app_object)
        except NotImplementedError:
            return {}
        chosen: dict[str, AssociationRecord] = {}
        for record in found:
            current = chosen.get(record.from_id)
            if current is None or (record.primary and not current.primary):
                chosen[record.from_id] = record
        return {k: v.to_id for k, v in chosen.items()}

    def _hub_pairs(self) -> dict[int, int]:
        """{from hub id: to hub id}, the primary one for single-primary kinds."""
        hub_ids = [lk.hub_record_id for lk in self.links]
        rows = Association.objects.filter(
            portal_id=self.sync.portal_id, from_record_id__in=hub_ids,
            to_record__object_type=self.partner.hub_object,
            to_record__archived_at__isnull=True,
        ).order_by("-is_primary", "id").values_list("from_record_id", "to_record_id")
        found: dict[int, int] = {}
        for from_id, to_id in rows:
            found.setdefault(from_id, to_id)
        return found

    # --- translate through the partner's links -------------------------------------------

    def _to_app_ids(self, hub_pairs) -> dict[str, str]:
        ids = {to_id for _, to_id in hub_pairs}
        app_of = dict(self.other_links.filter(hub_record_id__in=ids)
                      .values_list("hub_record_id", "app_id"))
        mine = {lk.hub_record_id: lk for lk in self.links}
        result = {}
        for from_hub, to_hub in hub_pairs:
            if to_hub in app_of:
                result[mine[from_hub].app_id] = app_of[to_hub]
            else:
                self.pending.add(mine[from_hub].pk)
        return result

    def _to_hub_ids(self, app_pairs) -> dict[int, int]:
        ids = {to_id for _, to_id in app_pairs}
        hub_of = dict(self.other_links.filter(app_id__in=ids)
                      .values_list("app_id", "hub_record_id"))
        mine = {lk.app_id: lk for lk in self.links}
        result = {}
        for from_app, to_app in app_pairs:
            if to_app in hub_of:
                result[mine[from_app].hub_record_id] = hub_of[to_app]
            else:
                self.pending.add(mine[from_app].pk)
        return result

    # --- write what is missing -----------------------------------------------------------

    def _write_hub(self, wanted: dict[int, int], existing: dict[int, int]) -> int:
        missing = {f: t for f, t in wanted.items() if existing.get(f) != t}
        records = Record.objects.in_bulk(set(missing) | set(missing.values()))
        actor = Actor(object_sync_id=self.sync.pk)
        writes = 0
        for from_id, to_id in missing.items():
            try:
                source, target = orient(records[from_id], records[to_id])
                associate(source, target, actor,
                          primary=self.partner.hub_object in SINGLE_PRIMARY)
                writes += 1
            except (RecordInvalid, KeyError):
                continue
        return writes

    def _write_app(self, wanted: dict[str, str], existing: dict[str, str]) -> int:
        missing = [AssociationRecord(f, t, primary=True) for f, t in wanted.items()
                   if existing.get(f) != t]
        if not missing:
            return 0
        try:
            outcomes = self.connector.write_associations(
                self.config.app_object, self.partner.app_object, missing)
        except NotImplementedError:
            return 0
        except ConnectorError as exc:
            if exc.connection_wide:
                raise
            return 0
        self._note_failures(outcomes)
        return sum(1 for o in outcomes if o.ok)

    def _note_failures(self, outcomes) -> None:
        by_app = {lk.app_id: lk for lk in self.links}
        entries = []
        for outcome in outcomes:
            link = by_app.get(outcome.ref)
            if outcome.ok or link is None:
                continue
            if outcome.error.transient:
                self.pending.add(link.pk)
            entries.append(HistoryEntry(
                portal_id=self.sync.portal_id, link=link, run_id=self.run_id, side="app",
                action="association_failed", actions=["association_failed"],
                reason=outcome.error.vendor_message or outcome.error.message))
        HistoryEntry.objects.bulk_create(entries)


def walk_partners_again(sync: ObjectSync) -> None:
    """`sync` has just linked its records (or runs again): the other running syncs of
    the connection walk their links' associations again, so records linked before this
    one started get their associations too — on both sides."""
    ObjectSync.objects.filter(connection_id=sync.connection_id, state=SyncState.ON,
                              initial_done=True).exclude(pk=sync.pk).update(
        associations_after=0)


def pending_links(sync: ObjectSync, spec_object, limit: int = 200) -> list[Link]:
    """Links waiting for a partner's record; an app object with no associations has none
    (only a partner's job marks them), so it is not asked."""
    if not spec_object.associations:
        return []
    return list(Link.objects.filter(object_sync=sync, associations_pending=True)
                .order_by("id")[:limit])


def links_after(sync: ObjectSync, after_id: int, limit: int) -> list[Link]:
    return list(Link.objects.filter(object_sync=sync, pk__gt=after_id,
                                    status=LinkStatus.IN_SYNC).order_by("id")[:limit])

