"""What a batch does when matching is ambiguous (engine/matching.py): the record fails
as a duplicate naming every candidate, and nothing is linked or created for it.

A mixin of step.BatchRun: it records on the batch's plan, through the batch's own
lookups. Both sides are held, so that neither phase of an initial sync turns the
other side's candidates into new records (a duplicate each):

- an app record whose identifier finds several hub records fails, and so does each of
  those hub records that is free, naming the app record;
- a hub record failed so waits while an app record's duplicate still names it, and
  goes its normal way once a person has merged, changed or retried them;
- a hub record linking to an app record waiting by its key asks the app record's own
  matching first: it links only if that finds exactly this hub record.
"""

from typing import TYPE_CHECKING

from connectors.sdk import ErrorCategory
from syncapp.engine.config import HUB, SyncConfig
from syncapp.engine.matching import Ambiguous, choose, match_keys
from syncapp.engine.plan import BatchPlan, Note
from syncapp.syncs.models import LinkStatus
from syncapp.syncs.run import hubside
from syncapp.syncs.run.store import LinkColumns, LinkLookup


class Duplicates:
    # What the mixin uses of step.BatchRun, which sets them.
    config: SyncConfig
    plan: BatchPlan
    lookup: LinkLookup
    _paired_hubs: set[int]

    if TYPE_CHECKING:
        def _links_for(self, app_ids, hub_ids) -> tuple[dict, dict]: ...

    def _hold_hub_candidates(self, named: dict[int, list[str]]) -> None:
        """The free hub records a duplicate named fail too, naming the app records: else
        the hub phase would create them in the app, one more duplicate each."""
        if not named:
            return
        hubs = hubside.load(self.config.portal_id, self.config.hub_object, named)
        _by_app, existing = self._links_for((), list(named))
        for hub_id, app_ids in sorted(named.items()):
            link = existing.get(hub_id)
            if hub_id not in hubs or (link is not None and (
                    link.app_id or link.status == LinkStatus.PENDING)):
                continue  # a create in flight settles first
            self._paired_hubs.add(hub_id)  # decided for this batch
            ref = link.pk if link is not None else self.plan.new_link(
                {"hub_record_id": hub_id, "hub_name": hubs[hub_id].name}).ref
            self._duplicate(ref, link, HUB, Ambiguous(
                tuple(app_ids), (), "", named_by(app_ids)), {"app": sorted(app_ids)})

    def _still_named(self, waiting) -> set[int]:
        """Hub records failed as duplicates that an app record's duplicate still names:
        they wait for a person (merge, change, retry) rather than be created in the app."""
        named = {hub.id: link.candidates["app"] for hub, _ref, link, _keys in waiting
                 if link is not None and link.status == LinkStatus.FAILED
                 and link.error_category == ErrorCategory.DUPLICATE
                 and link.candidates.get("app")}
        if not named:
            return set()
        app_ids = {app_id for ids in named.values() for app_id in ids}
        by_app, _by_hub = self.lookup.links_for(self.config.object_sync_id, app_ids, ())
        return {hub_id for hub_id, ids in named.items()
                if any(hub_id in (by_app[a].candidates or {}).get("hub", ())
                       for a in ids if a in by_app
                       and by_app[a].error_category == ErrorCategory.DUPLICATE)}

    def _duplicate(self, ref: int, link: LinkColumns | None, side: str, outcome: Ambiguous,
                   candidates: dict) -> None:
        """Several records answer this record's identifier: it fails as a duplicate
        naming them all, and nothing is linked or created (DESIGN "Matching")."""
        planned = self.plan.links.get(ref)
        if (link is not None and (planned is None or not planned.status)
                and link.status == LinkStatus.FAILED
                and link.error_category == ErrorCategory.DUPLICATE
                and link.candidates == candidates):
            return  # failed so already: no new history entry each time it is read
        change = self.plan.link(ref)
        change.fields["candidates"] = candidates
        change.mark(LinkStatus.FAILED, Note(side, "failed", outcome.note),
                    category=str(ErrorCategory.DUPLICATE), message=outcome.note)
        self.plan.duplicates.append((ref, side))
        self.plan.counts["failed"] += 1

    def _app_side_answers(self, records) -> dict:
        """What matching says for each of these app records, as the app side asks it."""
        keys = {r.id: match_keys(self.config.match_rules, r.values) for r in records}
        wanted = {(rule.column, key) for found in keys.values() for rule, key in found}
        candidates = hubside.candidates(self.config, wanted) if wanted else {}
        ids = {i for found in candidates.values() for i in found}
        claimed = self.lookup.claimed(self.config.object_sync_id, ids)
        return {app_id: choose(found, candidates, claimed) for app_id, found in keys.items()}


def named_by(app_ids) -> str:
    return (f"Duplicate: app record {', '.join(map(str, app_ids))} matches this record and "
            "others; nothing was linked or created. Merge or change them, then retry.")
