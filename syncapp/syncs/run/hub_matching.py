"""Hub records no link pairs yet, in a batch (step.BatchRun): their match against the
app records waiting by a key (excluded, failed), by the same rule as the app side's
(engine/matching.py); unmatched, a create in the app or, one way, an exclusion.

A mixin of step.BatchRun: it records on the batch's plan, through the batch's own
lookups and connector.
"""

from syncapp.engine.config import HUB
from syncapp.engine.limits import DIRECTION, exclusion_reason
from syncapp.engine.matching import Ambiguous, choose, deciding_key, match_keys
from syncapp.engine.plan import AppCreate
from syncapp.engine.planner import app_values_from_hub
from syncapp.syncs.models import Link
from syncapp.syncs.run.duplicates import named_by
from syncapp.syncs.run.hubside import HubRecord


class HubMatching:
    def _consider_hubs(self, records, by_hub) -> None:
        config = self.config
        # An app record of this batch may just have matched one of them: that hub
        # record is paired now, and a second link for it would break the batch.
        paired = self._paired_hubs
        waiting = []
        for hub in records:
            if hub.id in paired:
                continue
            reason = exclusion_reason(hub.values, config.hub_filters,
                                      email_field=config.hub_email_field,
                                      identifier_fields=config.hub_identifier_fields)
            link = by_hub.get(hub.id)
            if link is None:
                ref = self.plan.new_link({"hub_record_id": hub.id, "hub_name": hub.name}).ref
            else:
                ref = link.pk
                self.plan.link(ref).fields["hub_name"] = hub.name
            if reason:
                self._exclude(ref, link, HUB, reason)
                continue
            waiting.append((hub, ref, link, self.hub_keys(hub)))
        self._match_hubs(waiting)

    def hub_keys(self, hub: HubRecord) -> list:
        return self.hub_keys_of(hub.values)

    def hub_keys_of(self, values: dict) -> list:
        return match_keys(self.config.match_rules, values, hub=True)

    def _match_hubs(self, waiting) -> None:
        """Hub records against the app records waiting by a key (excluded, failed): the
        same rule as the app side, the candidates being those app records."""
        still = self._still_named(waiting)
        waiting = [w for w in waiting if w[0].id not in still]
        self.footprint.keys.update((rule.column, key) for *_, keys in waiting
                                   for rule, key in keys)
        app_only = self.lookup.app_only_by_key(
            self.config.object_sync_id, {k for *_, keys in waiting for _, k in keys})
        by_app_id = {c.app_id: c for found in app_only.values() for c in found}
        taken: set[str] = set()
        to_fetch = []
        for hub, ref, link, keys in waiting:
            candidates = {(rule.column, key): [c.app_id for c in app_only.get(key, ())]
                          for rule, key in keys}
            match = choose(keys, candidates, taken)
            if isinstance(match, Ambiguous):
                self._duplicate(ref, link, HUB, match, {"app": list(match.candidates)})
            elif match:
                taken.add(match.candidate)
                to_fetch.append((hub, ref, link, by_app_id[match.candidate], match.note))
            else:
                self._unmatched_hub(ref, link, hub, keys)
        self._link_app_only(to_fetch)

    def _unmatched_hub(self, ref: int, link: Link | None, hub: HubRecord, keys) -> None:
        if self.config.writes_app:
            self.plan.link(ref).fields.update(hub_name=hub.name,
                                              match_key=deciding_key(keys, {}))
            self.plan.app_creates.append(AppCreate(
                ref, hub.id, hub.values, app_values_from_hub(self.config, hub.values)))
        else:
            self._exclude(ref, link, HUB, DIRECTION)

    def _link_app_only(self, to_fetch) -> None:
        if not to_fetch:
            return
        self._know(candidate for _, _, _, candidate, _ in to_fetch)
        ids = [candidate.app_id for _, _, _, candidate, _ in to_fetch]
        found = {r.id: r for r in self.connector.read_by_ids(self.config.app_object, ids)}
        answers = self._app_side_answers(found.values())
        for hub, ref, link, candidate, note in to_fetch:
            record = found.get(candidate.app_id)
            answer = answers.get(candidate.app_id)
            if record is None:
                # Deleted since it was listed: its link names nothing any more, and the
                # hub record goes on as if nothing had matched (else it would be lost).
                self.plan.dropped.append(candidate.pk)
                self._unmatched_hub(ref, link, hub, self.hub_keys(hub))
                continue
            if isinstance(answer, Ambiguous) or (answer and answer.candidate != hub.id):
                # The app record's own identifier finds other hub records too: linking
                # this one would be a guess (and creating it in the app, a duplicate).
                self._duplicate(ref, link, HUB, Ambiguous(
                    (candidate.app_id,), (), "", named_by([candidate.app_id])),
                    {"app": [candidate.app_id]})
                continue
            self._give_way(ref)  # the hub record's own link gives way to the app's
            self.plan.link(candidate.pk).fields.update(hub_record_id=hub.id,
                                                       hub_name=hub.name)
            self.plan.counts["matched"] += 1
            self._pair(candidate, hub, record, None, note=note)
