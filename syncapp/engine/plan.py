"""What one batch will do, as a plain value: decided first, applied afterwards.

The run's planning (syncs/run/step.py) reads both sides and the links and returns a
BatchPlan; the executor (syncs/run/executor.py) applies it; the wizard's dry run
(syncs/run/dryrun.py) plans the same way and only counts. Tests assert on plans.

Links are named by a ref, never held: the pk of an existing link, or a negative number
for a link the batch makes. Values are the records' own dicts, shared, not copied.

Failures are not in a plan: a refusal is known only when a write is sent (the dry run
predicts the ones it can). The plan says which refused writes it holds back.
"""

from collections import Counter
from dataclasses import dataclass, field

from syncapp.engine.planner import PairPlan


@dataclass(slots=True)
class Note:
    """One history entry of a link: which side, what happened, and why."""

    side: str
    action: str  # excluded, deleted, restored, …
    reason: str = ""


@dataclass(slots=True)
class LinkChange:
    """What a batch does to one link before its writes: names, ids, a new status.

    `fields`: app_id, hub_record_id, app_name, hub_name, match_key. An empty status
    leaves the status as it is (and such a link is written only if a pair or a create
    touches it)."""

    ref: int
    new: bool = False
    fields: dict = field(default_factory=dict)
    status: str = ""
    category: str = ""
    message: str = ""
    reason: str = ""  # an exclusion's reason
    notes: list[Note] | None = None  # made by the first mark: most links get none

    def mark(self, status: str, note: Note, *, category: str = "", message: str = "",
             reason: str = "") -> None:
        self.status, self.category, self.message, self.reason = (
            status, category, message, reason)
        if self.notes is None:
            self.notes = []
        self.notes.append(note)


@dataclass(slots=True)
class PairUpdate:
    """A linked pair brought in step: the planner's per-field writes, diffs and reasons.

    `last` None: just linked (a match, `note` says how). `quiet`: in step already, so
    its link is not rewritten (most of what a run reads is its own echoes)."""

    ref: int
    hub_id: int
    hub_values: dict
    hub_name: str
    app_id: str
    app_values: dict
    last: dict | None
    plan: PairPlan
    note: str = ""
    quiet: bool = False
    app_version: str | None = None  # the app record's version as read (conditional writes)


@dataclass(slots=True)
class HubCreate:
    """An app record nobody matched: the hub record to create from it."""

    ref: int
    app_id: str
    app_values: dict
    values: dict  # hub property -> value


@dataclass(slots=True)
class AppCreate:
    """A hub record nobody matched: the app record to create, announced first."""

    ref: int
    hub_id: int
    hub_values: dict
    values: dict  # app field -> value


@dataclass(slots=True)
class BatchPlan:
    """Everything a batch will do. `counts`: matched, excluded, deleted, and failed for
    its duplicates (the writes' own counts — created, updated, failed — come from
    applying it)."""

    links: dict[int, LinkChange] = field(default_factory=dict)
    pairs: list[PairUpdate] = field(default_factory=list)
    hub_creates: list[HubCreate] = field(default_factory=list)
    app_creates: list[AppCreate] = field(default_factory=list)
    exclusions: list[tuple[int, str, str]] = field(default_factory=list)  # ref, side, why
    dropped: list[int] = field(default_factory=list)  # links giving way to another
    held: list[int] = field(default_factory=list)  # refused writes not sent again
    # Records failed as duplicates (engine/matching.py: several candidates): ref, side.
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    _next_ref: int = -1

    def new_link(self, fields: dict) -> LinkChange:
        change = LinkChange(self._next_ref, True, fields)
        self.links[change.ref] = change
        self._next_ref -= 1
        return change

    def link(self, ref: int) -> LinkChange:
        """The change of an existing link (made empty the first time)."""
        change = self.links.get(ref)
        if change is None:
            change = self.links[ref] = LinkChange(ref)
        return change
