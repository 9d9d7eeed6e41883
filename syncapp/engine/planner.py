"""Planning one batch: from both sides' values and the links, what to write where.

Pure: the runner gathers plain data from the hub and the app, the planner
decides each pair (kept in the batch's plan, engine/plan.py), the executor writes.
"""

from dataclasses import dataclass, field

from syncapp.engine.config import SyncConfig
from syncapp.engine.rules import MISSING, pack, resolve_field

LIFECYCLE = "lifecyclestage"


@dataclass(slots=True)
class PairPlan:
    """The writes that bring one linked pair in step, and the new last-synced values."""

    hub_writes: dict = field(default_factory=dict)  # hub property -> value (None clears)
    app_writes: dict = field(default_factory=dict)  # app field -> value (None clears)
    last: dict = field(default_factory=dict)
    changes_hub: dict = field(default_factory=dict)  # property -> [old, new]
    changes_app: dict = field(default_factory=dict)
    reasons: dict = field(default_factory=dict)  # property -> why

    @property
    def writes_anything(self) -> bool:
        return bool(self.hub_writes or self.app_writes)


def plan_pair(config: SyncConfig, hub: dict, app: dict, last: dict | None, *,
              modified: tuple = (None, None)) -> PairPlan:
    """Resolve every mapped field of a pair; `last` None means it was just linked.

    `modified` is (the hub record's, the app record's) modification time, for the
    fields whose conflict rule is "most recent change wins"."""
    plan = PairPlan()
    for mapping in config.mappings:
        hub_value = hub.get(mapping.hub_property)
        app_value = mapping.hub_value(app.get(mapping.app_field))
        previous = MISSING if last is None else last.get(mapping.hub_property, MISSING)
        if hub_value == app_value and (previous is MISSING or previous == hub_value):
            # Equal on both sides and as last synced (or just linked): nothing to decide.
            # Most fields of most pairs a run reads; resolve_field would say the same.
            plan.last[mapping.hub_property] = hub_value
            continue
        outcome = resolve_field(
            hub_value, app_value, previous, winner=config.winner,
            can_hub=config.can_write_hub(mapping), can_app=config.can_write_app(mapping),
            rule=mapping.conflict_rule, modified=modified,
        )
        # What the app will hold, seen from the hub: a lossy conversion (datetime to
        # date) must not look like a change on the next run.
        final_app = app_value if outcome.to_app is MISSING else mapping.hub_value(
            mapping.app_value(outcome.to_app))
        final_hub = hub_value if outcome.to_hub is MISSING else outcome.to_hub
        plan.last[mapping.hub_property] = (
            pack(final_hub, final_app) if outcome.to_app is not MISSING else outcome.last)
        if outcome.to_hub is not MISSING:
            plan.hub_writes[mapping.hub_property] = outcome.to_hub
            plan.changes_hub[mapping.hub_property] = [hub_value, outcome.to_hub]
        if outcome.to_app is not MISSING:
            new_app = mapping.app_value(outcome.to_app)
            plan.app_writes[mapping.app_field] = new_app
            plan.changes_app[mapping.app_field] = [app.get(mapping.app_field), new_app]
        if outcome.reason:
            plan.reasons[mapping.hub_property] = outcome.reason
    if last is None:
        stage = _default_stage(config, hub, plan.hub_writes)
        if stage:
            plan.hub_writes[LIFECYCLE] = stage
            plan.changes_hub[LIFECYCLE] = [None, stage]
            plan.reasons[LIFECYCLE] = ("default lifecycle stage of this sync "
                                       "(the contact had none)")
    return plan


def _default_stage(config: SyncConfig, hub: dict, hub_writes: dict) -> str:
    """A contact arriving from the app gets the default stage only if it has none: the
    stage to write, or ""."""
    stage = config.default_lifecycle_stage
    if not stage or not config.writes_hub or config.hub_object not in {"contact", "lead"}:
        return ""
    if hub.get(LIFECYCLE) or hub_writes.get(LIFECYCLE):
        return ""
    return stage


def hub_values_from_app(config: SyncConfig, app: dict) -> dict:
    """The hub record to create for an app record: every mapping allowed to write the
    hub, and the sync's default lifecycle stage where they give none. The hub writes
    plan_pair(config, {}, app, None) plans, without planning each field of a pair that
    has one side only (2.3 µs a record, against 10.8)."""
    values = {}
    for mapping in config.mappings:
        if not config.can_write_hub(mapping):
            continue
        value = mapping.hub_value(app.get(mapping.app_field))
        if value is not None:
            values[mapping.hub_property] = value
    stage = _default_stage(config, {}, values)
    if stage:
        values[LIFECYCLE] = stage
    return values


def app_values_from_hub(config: SyncConfig, hub: dict) -> dict:
    """The app record to create for a hub record: every mapping allowed to write the app."""
    values = {}
    for mapping in config.mappings:
        if not config.can_write_app(mapping):
            continue
        value = hub.get(mapping.hub_property)
        if value is not None:
            values[mapping.app_field] = mapping.app_value(value)
    return values
