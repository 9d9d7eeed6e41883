"""Is a rule's condition true of a sync now? Facts are read once per sync (a few
queries over what the engine recorded); each rule is a pure function of the facts
and its settings, returning what is wrong (a short English detail) or None."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min
from django.utils import timezone

from connectors.sdk import ErrorCategory
from syncapp.integrations.models import ConnectionStatus
from syncapp.syncs.models import Link, ObjectSync, RunStatus, SyncState
from syncapp.syncs.models.held import MASS_CHANGE

# The pause reason the mass-change guard sets when it holds a run (syncs/run/breaker.py).
MASS_CHANGE_REASON = MASS_CHANGE
FAILING_RUNS = (RunStatus.FAILED, RunStatus.PAUSED)


@dataclass(frozen=True)
class Facts:
    now: datetime
    watched: bool  # on, and not turned off or left a draft by a person
    connection_status: str
    pause_reason: str
    last_run_status: str | None
    failing_since: datetime | None  # the first failed or paused run since the last success
    last_success_at: datetime | None
    poll_interval_s: int
    links: int
    failed: int
    failed_last_hour: int


def facts_of(sync: ObjectSync) -> Facts:
    now = timezone.now()
    ended = sync.runs.filter(finished_at__isnull=False).exclude(status=RunStatus.STOPPED)
    last = ended.order_by("-finished_at", "-id").values_list("status", flat=True).first()
    streak = ended.filter(status__in=FAILING_RUNS)
    if sync.last_success_at:
        streak = streak.filter(finished_at__gt=sync.last_success_at)
    links = Link.objects.filter(object_sync=sync)
    failed = links.counted_as_failed()
    return Facts(
        now=now, watched=sync.state == SyncState.ON,
        connection_status=sync.connection.status, pause_reason=sync.pause_reason,
        last_run_status=last, failing_since=streak.aggregate(m=Min("finished_at"))["m"],
        last_success_at=sync.last_success_at, poll_interval_s=sync.poll_interval_s,
        links=links.count(), failed=failed.count(),
        failed_last_hour=failed.filter(updated_at__gte=now - timedelta(hours=1)).count())


def _for(facts: Facts, minutes: int) -> bool:
    return bool(facts.failing_since and facts.now - facts.failing_since
                >= timedelta(minutes=minutes))


def failing(f: Facts, rule: dict) -> str | None:
    if not f.pause_reason:
        return None
    if f.last_run_status == RunStatus.FAILED:
        return f"a run failed ({f.pause_reason})"
    if _for(f, rule["paused_minutes"]):
        return f"paused by the system ({f.pause_reason}) for over {rule['paused_minutes']} min"
    return None


def failed_records(f: Facts, rule: dict) -> str | None:
    if f.links and f.failed * 100 > rule["percent"] * f.links:
        return f"{f.failed} of {f.links} records failed (over {rule['percent']}%)"
    if f.failed_last_hour > rule["per_hour"]:
        return f"{f.failed_last_hour} records failed in the last hour"
    return None


def stale(f: Facts, rule: dict) -> str | None:
    # A sync that never succeeded is still in its initial run: "failing" watches that.
    limit = timedelta(seconds=f.poll_interval_s * rule["poll_intervals"])
    if f.last_success_at and f.now - f.last_success_at > limit:
        return f"no successful run since {f.last_success_at.isoformat()}"
    return None


def needs_reconnect(f: Facts, rule: dict) -> str | None:
    if f.connection_status == ConnectionStatus.NEEDS_RECONNECT:
        return "the connection needs reconnecting"
    return None


def rate_limited(f: Facts, rule: dict) -> str | None:
    if f.pause_reason == ErrorCategory.RATE_LIMITED and _for(f, rule["minutes"]):
        return f"rate-limited for over {rule['minutes']} min"
    return None


def mass_change(f: Facts, rule: dict) -> str | None:
    if f.pause_reason == MASS_CHANGE_REASON:
        return "the mass-change guard stopped a run"
    return None


CONDITIONS = {"failing": failing, "failed_records": failed_records, "stale": stale,
              "needs_reconnect": needs_reconnect, "rate_limited": rate_limited,
              "mass_change": mass_change}


def firing(facts: Facts, rules: dict) -> dict[str, str]:
    """{rule kind: detail} of every enabled rule whose condition holds; none for a sync
    a person turned off (or never turned on)."""
    if not facts.watched:
        return {}
    found = {}
    for kind, check in CONDITIONS.items():
        if rules[kind]["enabled"]:
            detail = check(facts, rules[kind])
            if detail:
                found[kind] = detail
    return found
