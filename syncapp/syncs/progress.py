"""Where an object sync's current run is, for the live progress on its page.

Read from recorded facts only (the sync's phase and cursors, the run's counts,
link statuses); never from the app.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from syncapp.crm.models import Record
from syncapp.syncs.counts import counts_for
from syncapp.syncs.models import ObjectSync, Run, RunKind, RunStatus, SyncState

PHASES = {
    "app": _("Reading the app's records and matching them"),
    "hub": _("Checking Syncapp's records the app does not have"),
    "associations": _("Linking associations"),
}
# Share of the bar each initial phase ends at: the app phase cannot know its total.
PHASE_END = {"app": 50, "hub": 90, "associations": 99}
COUNT_KEYS = ("read", "matched", "created_hub", "created_app", "updated_hub", "updated_app",
              "excluded", "failed")


@dataclass
class Progress:
    run: Run | None
    state: str  # queued, running, done, paused, failed, off
    phase: str  # app, hub, associations, incremental, or ""
    percent: int | None  # None: unknown (an indeterminate bar)
    counts: dict

    @property
    def finished(self) -> bool:
        """Nothing will change without a new run: the page stops polling."""
        return self.state in ("done", "paused", "failed", "off")

    @property
    def phase_label(self) -> str:
        return str(PHASES.get(self.phase, _("Bringing recent changes across")))


def latest_run(sync: ObjectSync) -> Run | None:
    return sync.runs.order_by("-id").first()


def _state(sync: ObjectSync, run: Run | None) -> str:
    if run is not None and run.status == RunStatus.PAUSED:
        return "paused"
    if run is not None and run.status == RunStatus.FAILED:
        return "failed"
    if sync.state == SyncState.OFF:
        return "off"
    if run is None or (not sync.initial_done and run.kind != RunKind.INITIAL):
        return "queued"
    if run.status == RunStatus.RUNNING:
        return "running"
    return "done" if sync.initial_done else "queued"


def _hub_share(sync: ObjectSync, run: Run) -> float:
    total = run.estimated_total or 0
    if not total:
        return 1.0
    done = Record.objects.filter(portal_id=sync.portal_id, object_type=sync.hub_object,
                                 archived_at__isnull=True, pk__lte=sync.hub_scan_after).count()
    return min(1.0, done / total)


def _percent(sync: ObjectSync, run: Run | None, state: str) -> int | None:
    if state == "done":
        return 100
    if run is None or run.kind != RunKind.INITIAL:
        return None
    phase = sync.initial_phase
    if phase == "app":
        return None
    if phase == "hub":
        return int(PHASE_END["app"] + (PHASE_END["hub"] - PHASE_END["app"]) * _hub_share(
            sync, run))
    return PHASE_END["hub"]


def progress(sync: ObjectSync) -> Progress:
    run = latest_run(sync)
    state = _state(sync, run)
    phase = sync.initial_phase if not sync.initial_done else "incremental"
    counts = {key: (run.counts or {}).get(key, 0) for key in COUNT_KEYS} if run else dict.fromkeys(
        COUNT_KEYS, 0)
    return Progress(run, state, phase, _percent(sync, run, state), counts)


def link_counts(sync: ObjectSync) -> dict[str, int]:
    """In sync / failed / excluded, as the health pages count them (the same tallies,
    the same definition of failed); `deleted` is the part of failed that is a delete."""
    counts = counts_for([sync.pk])[sync.pk]
    return {"in_sync": counts.in_sync, "failed": counts.failed, "excluded": counts.excluded,
            "deleted": counts.deleted_total}
