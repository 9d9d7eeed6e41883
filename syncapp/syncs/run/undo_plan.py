"""What undoing a run means for each of its records, decided before anything is written.

A run's history rows (HistoryEntry: {side: {field: [old, new, rule]}}, per record per
batch) say what it wrote. Per record, `effects_of` folds them into one `Effect` (each
field's first old value and last new one, and the side it created the record on),
and `decide` compares it with what the sides hold now: a field still holding what
the run wrote is put back; one that holds something else was changed since and is a
conflict, left alone; a record the run created is removed; a record deleted since is
skipped. The review page (`review`) decides from recorded facts (the app as last
synced); the undo itself from the app's live values (syncs/run/undo.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.sdk.connector import Connector
from syncapp.engine.config import APP, HUB, MappingRule, SyncConfig
from syncapp.engine.rules import split
from syncapp.integrations.catalog import connector_class
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus, Run, history_sides
from syncapp.syncs.run import hubside

# What an undo puts back: fields updated, records created. Links, exclusions,
# failures, restores and recreates wrote no value to put back.
UNDOABLE = ("updated", "created")
GONE = frozenset({LinkStatus.DELETED_IN_HUB, LinkStatus.DELETED_IN_APP,
                  LinkStatus.DELETED_BOTH})
REVIEW_LIMIT = 200  # records a review lists; the undo covers them all


@dataclass
class Effect:
    """What one run did to one linked record."""

    link_id: int
    created: str = ""  # the side the run created the record on, if it did
    # side -> field -> [value before the run, value the run left]
    writes: dict[str, dict[str, list]] = field(default_factory=dict)


@dataclass
class Conflict:
    side: str
    field: str
    wrote: object  # what the run wrote
    now: object  # what the field holds now


@dataclass
class RecordUndo:
    """What the undo does to one record: fields put back, conflicts, removal, or skip."""

    link: Link
    back: dict[str, dict] = field(default_factory=lambda: {HUB: {}, APP: {}})  # side -> {f: old}
    expect: dict[str, dict] = field(default_factory=lambda: {HUB: {}, APP: {}})  # f -> new
    conflicts: list[Conflict] = field(default_factory=list)
    remove: str = ""  # the side whose record the run created: archived/deleted, link removed
    skipped: str = ""  # why nothing is done (the record was deleted since)
    again: bool = False  # the app asked us to wait: the record is done again later

    @property
    def name(self) -> str:
        return self.link.hub_name or self.link.app_name or str(self.link.app_id or "")

    @property
    def puts_back(self) -> bool:
        return bool(self.back[HUB] or self.back[APP])


@dataclass
class Review:
    records: list[RecordUndo] = field(default_factory=list)
    more: bool = False  # more records than the review lists
    app_can_delete: bool = True

    def count(self, what: str) -> int:
        tests = {"back": lambda r: r.puts_back, "conflicts": lambda r: bool(r.conflicts),
                 "archive": lambda r: r.remove == HUB, "delete": lambda r: r.remove == APP,
                 "skipped": lambda r: bool(r.skipped)}
        return sum(1 for r in self.records if tests[what](r))

    # For templates, which cannot pass an argument.
    count_back = property(lambda self: self.count("back"))
    count_conflicts = property(lambda self: self.count("conflicts"))
    count_archive = property(lambda self: self.count("archive"))
    count_delete = property(lambda self: self.count("delete"))
    count_skipped = property(lambda self: self.count("skipped"))

    @property
    def empty(self) -> bool:
        return not any(r.puts_back or r.remove for r in self.records)


def can_delete_in_app(cls) -> bool:
    """The connector implements delete (the SDK's base class refuses it)."""
    return cls.delete is not Connector.delete


def review(target: Run) -> Review:
    """What undoing `target` would do, from recorded facts: the hub as it is, the app
    as last synced (the undo itself checks the app's live values)."""
    sync = target.object_sync
    cls = connector_class(sync.connection.app_key)
    config = build_config(sync, cls)
    ids = undoable_links(target.pk, limit=REVIEW_LIMIT + 1)
    result = Review(more=len(ids) > REVIEW_LIMIT, app_can_delete=can_delete_in_app(cls))
    ids = ids[:REVIEW_LIMIT]
    effects = effects_of(target.pk, ids)
    links = Link.objects.filter(object_sync=sync, pk__in=ids).order_by("pk")
    hubs = hubside.load(sync.portal_id, sync.hub_object,
                        [lk.hub_record_id for lk in links if lk.hub_record_id])
    for link in links:
        app = app_as_last_synced(config, link) if link.app_id else None
        result.records.append(decide(config, effects[link.pk], link,
                                     hubs.get(link.hub_record_id), app))
    return result


def undoable_links(run_id: int, after: int = 0, limit: int | None = None) -> list[int]:
    """Ids of the links a run wrote values to or created, after `after`, in order."""
    rows = (HistoryEntry.objects.filter(run_id=run_id, link_id__gt=after,
                                        actions__overlap=list(UNDOABLE))
            .order_by("link_id").values_list("link_id", flat=True).distinct())
    return list(rows[:limit] if limit else rows)


def count_undoable(run_id: int) -> int:
    """How many links a run wrote values to or created."""
    return (HistoryEntry.objects.filter(run_id=run_id, actions__overlap=list(UNDOABLE))
            .values("link_id").distinct().count())


def effects_of(run_id: int, link_ids: list[int]) -> dict[int, Effect]:
    """The run's effect on each of these links, from its history rows in order."""
    effects: dict[int, Effect] = {}
    rows = HistoryEntry.objects.filter(run_id=run_id, link_id__in=link_ids).order_by("id")
    for row in rows.only("link_id", "side", "action", "actions", "changes"):
        effect = effects.setdefault(row.link_id, Effect(row.link_id))
        actions = row.all_actions
        sides = history_sides(row.changes, row.side)
        if "created" in actions:
            effect.created = _created_side(row.side, sides)
        if "updated" not in actions and "created" not in actions:
            continue
        for side, fields in sides.items():
            written = effect.writes.setdefault(side, {})
            for name, diff in fields.items():
                old, new = diff[0], diff[1]
                if name in written:
                    written[name][1] = new  # a later batch wrote it again: keep the first old
                else:
                    written[name] = [old, new]
    return effects


def _created_side(side: str, sides: dict) -> str:
    if side in (HUB, APP):
        return side
    # Both sides noted: the created one is the side whose every field started empty.
    for name in (HUB, APP):
        if sides.get(name) and all(diff[0] is None for diff in sides[name].values()):
            return name
    return HUB


def app_as_last_synced(config: SyncConfig, link) -> dict:
    """The app record's mapped fields as the sync last saw them (the review's view of
    the app: pages never call a vendor)."""
    last = link.last_synced or {}
    return {m.app_field: m.app_value(split(last[m.hub_property])[1])
            for m in config.mappings if m.hub_property in last}


def decide(config: SyncConfig, effect: Effect, link, hub, app: dict | None) -> RecordUndo:
    """What the undo does to one record. `hub`: its hub record (hubside.HubRecord) or
    None, `app`: its app record's values now, or None when it is gone."""
    undo = RecordUndo(link)
    if effect.created:
        undo.remove = effect.created  # gone already or not: the link goes either way
        return undo
    writes = effect.writes
    # Deleted since on either side: the record's other side is left as the run left it
    # too, or the two would part ways without a live pair to bring them back together.
    if link.status in GONE or hub is None or hub.archived or (link.app_id and app is None):
        undo.skipped = "deleted"
        return undo
    by_app_field = {m.app_field: m for m in config.mappings}
    for name, (old, new) in writes.get(HUB, {}).items():
        _field(undo, HUB, name, [old, new], hub.values.get(name), same=_equal)
    for name, (old, new) in writes.get(APP, {}).items():
        mapping = by_app_field.get(name)
        same = _equal if mapping is None else _equal_as_hub(mapping)
        _field(undo, APP, name, [old, new], (app or {}).get(name), same=same)
    return undo


def _equal(a, b) -> bool:
    return _blank(a) == _blank(b)


def _equal_as_hub(mapping: MappingRule) -> Callable[[str | None, str | None], bool]:
    """Equal once both are read as the hub holds them (the mapping's conversion)."""
    return lambda a, b: _equal(mapping.hub_value(a), mapping.hub_value(b))


def _blank(value):
    return None if value in ("", None) else value


def _field(undo: RecordUndo, side: str, name: str, diff: list, now, *, same) -> None:
    old, new = diff
    if same(now, old) and not same(old, new):
        return  # already back where it was (an earlier try of this undo, or a person)
    if same(now, new):
        undo.back[side][name] = old
        undo.expect[side][name] = now
    else:
        undo.conflicts.append(Conflict(side, name, new, now))
