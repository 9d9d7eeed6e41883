"""The mass-change circuit breaker's arithmetic: how much a plan changes, and whether
that, with what the sync applied in the last hour, crosses the sync's thresholds.

Pure: the runner (syncs/run/breaker.py) counts plans and recent runs, this module
compares. A run is held when any limit is crossed; a trickle of small runs counts
together with the run being checked, so it cannot pass where one big run would trip.
"""

from dataclasses import dataclass, fields

from syncapp.engine.plan import BatchPlan

CHANGED, CREATED_HUB, CREATED_APP, DELETED = "changed", "created_hub", "created_app", "deleted"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """A sync's limits. Share-based limits never go below `min_records`, so a small
    sync is not tripped by a handful of edits (3 of 10 records is 30%)."""

    changed_percent: int = 20
    changed_max: int = 1000
    min_records: int = 25
    creates_max: int = 100  # per side
    deleted_percent: int = 20


@dataclass(slots=True)
class Volume:
    """How many records a plan (or the sync's recent runs) changes, creates, deletes."""

    changed: int = 0
    created_hub: int = 0
    created_app: int = 0
    deleted: int = 0

    def __add__(self, other: "Volume") -> "Volume":
        return Volume(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def as_counts(self) -> dict[str, int]:
        """In a Run's counts (their own keys, so a run's counts add up the hour)."""
        return {f"guard_{f.name}": getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_counts(cls, counts: dict) -> "Volume":
        return cls(*(int(counts.get(f"guard_{f.name}", 0)) for f in fields(cls)))


def volume_of(plan: BatchPlan) -> Volume:
    """What applying `plan` would do: pairs whose values change on either side, creates
    per side, links turning deleted."""
    return Volume(changed=sum(1 for pair in plan.pairs if pair.plan.writes_anything),
                  created_hub=len(plan.hub_creates), created_app=len(plan.app_creates),
                  deleted=plan.counts.get("deleted", 0))


def _share(percent: int, linked: int, floor: int) -> int:
    return max(floor, percent * linked // 100)


def limits(thresholds: Thresholds, linked: int) -> Volume:
    """The most of each kind a sync of `linked` records may apply within an hour."""
    t = thresholds
    return Volume(changed=max(t.min_records, min(t.changed_percent * linked // 100,
                                                 t.changed_max)),
                  created_hub=t.creates_max, created_app=t.creates_max,
                  deleted=_share(t.deleted_percent, linked, t.min_records))


def tripped(planned: Volume, recent: Volume, linked: int, thresholds: Thresholds) -> list[str]:
    """The kinds (CHANGED, CREATED_HUB, …) whose limit the plan crosses, counting what
    the sync applied in the last hour with it; [] passes. A kind the plan does not
    touch never trips: a quiet run after a busy hour goes through."""
    allowed = limits(thresholds, linked)
    return [f.name for f in fields(planned) if getattr(planned, f.name) and
            getattr(planned, f.name) + getattr(recent, f.name) > getattr(allowed, f.name)]


def could_trip(read: int, recent: Volume, linked: int, thresholds: Thresholds) -> bool:
    """Could a run that read `read` records cross a limit? Each record read changes,
    creates or deletes one record at most: a quiet run answers no without planning
    ahead."""
    if not read:
        return False
    allowed = limits(thresholds, linked)
    return any(getattr(recent, f.name) + read > getattr(allowed, f.name)
               for f in fields(allowed))
