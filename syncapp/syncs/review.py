"""What people do with a run the mass-change breaker held: read it, approve, discard,
turn the sync off; and the thresholds themselves. Each action is audited in its own
transaction (syncs/run/breaker.py holds runs; syncs/review_views.py are the pages).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.core.queue import enqueue
from syncapp.engine.breaker import Thresholds
from syncapp.syncs import services
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.models.held import MASS_CHANGE, GuardState, HeldChange, MassChangeGuard, guard_of
from syncapp.syncs.tasks import run_sync

SAMPLE = 20
LEFT_DIFFERENT_SHOWN = 500
# Each threshold's allowed range: (field, lowest, highest).
RANGES = {"changed_percent": (1, 100), "changed_max": (1, 1_000_000),
          "min_records": (0, 1_000_000), "creates_max": (0, 1_000_000),
          "deleted_percent": (1, 100)}
LABELS = {
    "changed_percent": gettext_lazy("Hold a run that changes values on more than this share "
                                    "of linked records (%)"),
    "changed_max": gettext_lazy("… or on more than this many records, whichever is smaller"),
    "min_records": gettext_lazy("Never hold for fewer records changed or deleted than this "
                                "(so a small sync isn't held for a few edits)"),
    "creates_max": gettext_lazy("Hold a run that creates more than this many records on one "
                                "side"),
    "deleted_percent": gettext_lazy("Hold a run that turns more than this share of linked "
                                    "records deleted (%)"),
}


class ReviewRefused(Exception):
    """An action on held changes that cannot go ahead; the message says why."""


@dataclass
class HeldView:
    """The review page's reading of a sync's guard."""

    guard: MassChangeGuard
    per_field: list[dict]  # {side, kind, field, count}
    records: int
    sample: list[HeldChange]
    left_different: list[dict]  # after Discard: {name, hub_id, app_id}


def held_view(sync: ObjectSync) -> HeldView:
    guard = guard_of(sync)
    rows = HeldChange.objects.filter(object_sync=sync)
    per_field = list(rows.values("side", "kind", "field").annotate(count=Count("id"))
                     .order_by("side", "kind", "-count", "field"))
    records = rows.values("hub_id", "app_id").distinct().count()
    left = []
    if guard.state == GuardState.DISCARDED:
        left = list(rows.values("name", "hub_id", "app_id").distinct()
                    .order_by("name")[:LEFT_DIFFERENT_SHOWN])
    return HeldView(guard, per_field, records, list(rows.order_by("id")[:SAMPLE]), left)


def export_rows(sync: ObjectSync):
    """Every held change, in order (the CSV export)."""
    return HeldChange.objects.filter(object_sync=sync).order_by("id").iterator(chunk_size=2000)


def _locked_guard(sync: ObjectSync, plan_key: str) -> MassChangeGuard:
    guard = MassChangeGuard.objects.select_for_update().filter(object_sync_id=sync.pk).first()
    if guard is None or guard.state != GuardState.HELD:
        raise ReviewRefused(_("Nothing is held for review on this sync."))
    if guard.approved_key:
        raise ReviewRefused(_("These changes are approved already: the next run re-checks "
                              "and applies them."))
    if plan_key != guard.plan_key:
        raise ReviewRefused(_("The held changes were planned again since this page was "
                              "opened. Nothing was done: review them again."))
    return guard


@transaction.atomic
def approve(sync: ObjectSync, plan_key: str, by=None) -> None:
    """Let the next run apply the held plan past the limits once, if its re-plan against
    current values is the same; if not, it holds again and shows the difference."""
    guard = _locked_guard(sync, plan_key)
    guard.approved_key = guard.plan_key
    guard.save(update_fields=["approved_key", "updated_at"])
    ObjectSync.objects.filter(pk=sync.pk).update(pause_reason="", pause_message="",
                                                 next_run_at=timezone.now())
    audit.record(by, AuditAction.HELD_APPROVED, sync, {"held_at": guard.held_at.isoformat(),
                                                        "tripped": guard.summary.get("tripped")})
    enqueue(run_sync, sync.pk)


@transaction.atomic
def discard(sync: ObjectSync, plan_key: str, by=None) -> int:
    """Move the cursors past the held changes, keeping links and last-synced values as
    they are; returns how many records are left different on the two sides."""
    guard = _locked_guard(sync, plan_key)
    ObjectSync.objects.filter(pk=sync.pk).update(**guard.cursors, pause_reason="",
                                                 pause_message="", updated_at=timezone.now())
    guard.state = GuardState.DISCARDED
    guard.save(update_fields=["state", "updated_at"])
    left = HeldChange.objects.filter(object_sync=sync).values("hub_id", "app_id").distinct()
    count = left.count()
    audit.record(by, AuditAction.HELD_DISCARDED, sync, {"held_at": guard.held_at.isoformat(),
                                                         "left_different": count})
    return count


@transaction.atomic
def turn_off(sync: ObjectSync, by=None) -> None:
    """Turn the sync off and forget the held run (turning on again re-checks from the
    cursors, which never moved)."""
    locked = ObjectSync.objects.select_for_update().get(pk=sync.pk)
    services.turn_off(locked, by)
    HeldChange.objects.filter(object_sync=sync).delete()
    MassChangeGuard.objects.filter(object_sync_id=sync.pk).update(
        state=GuardState.CLEAR, plan_key="", approved_key="", difference=[],
        updated_at=timezone.now())
    ObjectSync.objects.filter(pk=sync.pk, pause_reason=MASS_CHANGE).update(
        pause_reason="", pause_message="")


def check_thresholds(data: dict) -> tuple[Thresholds | None, dict[str, str]]:
    """The thresholds from a form's fields, or the errors (field -> message)."""
    values, errors = {}, {}
    for name, (low, high) in RANGES.items():
        raw = str(data.get(name, "")).strip()
        try:
            value = int(raw)
        except ValueError:
            errors[name] = _("Enter a whole number.")
            continue
        if not low <= value <= high:
            errors[name] = _("Enter a number from %(low)s to %(high)s.") % {"low": low,
                                                                             "high": high}
        values[name] = value
    if not errors and values["min_records"] > values["changed_max"]:
        errors["min_records"] = _("The minimum can't be above the most records changed.")
    return (None, errors) if errors else (Thresholds(**values), {})


@transaction.atomic
def save_thresholds(sync: ObjectSync, thresholds: Thresholds, by=None) -> None:
    guard = guard_of(sync)
    before = guard.thresholds
    changes = {name: [getattr(before, name), getattr(thresholds, name)] for name in RANGES
               if getattr(before, name) != getattr(thresholds, name)}
    for name in RANGES:
        setattr(guard, name, getattr(thresholds, name))
    guard.save()
    if changes:
        audit.record(by, AuditAction.THRESHOLDS_CHANGED, sync, changes)
