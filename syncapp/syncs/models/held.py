"""The mass-change circuit breaker's rows: each sync's thresholds and what a held run
would have changed (syncs/run/breaker.py holds runs, syncs/review.py acts on them).

A sync without a guard row has the default thresholds and nothing held.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import PortalOwned
from syncapp.engine.breaker import Thresholds
from syncapp.syncs.models.object_sync import ObjectSync

# ObjectSync.pause_reason of a sync the breaker held: "Needs review" (the alert rule
# `mass_change` watches it). A sync paused so runs no more until a person acts.
MASS_CHANGE = "mass_change"
DEFAULTS = Thresholds()


class GuardState(models.TextChoices):
    CLEAR = "", _("Nothing held")
    HELD = "held", _("Needs review")
    DISCARDED = "discarded", _("Discarded")


class MassChangeGuard(PortalOwned):
    object_sync = models.OneToOneField(ObjectSync, on_delete=models.CASCADE, primary_key=True,
                                       related_name="guard")
    changed_percent = models.PositiveSmallIntegerField(default=DEFAULTS.changed_percent)
    changed_max = models.PositiveIntegerField(default=DEFAULTS.changed_max)
    min_records = models.PositiveIntegerField(default=DEFAULTS.min_records)
    creates_max = models.PositiveIntegerField(default=DEFAULTS.creates_max)
    deleted_percent = models.PositiveSmallIntegerField(default=DEFAULTS.deleted_percent)
    state = models.CharField(max_length=10, choices=GuardState.choices, blank=True, default="")
    held_at = models.DateTimeField(null=True, blank=True)
    held_run_id = models.BigIntegerField(null=True, blank=True)
    # What tripped: {"tripped": [kinds], "planned": Volume, "recent": Volume, "limits":
    # Volume, "linked": n} (engine/breaker.py's names).
    summary = models.JSONField(default=dict, blank=True)
    # A digest of the held changes (syncs/run/breaker.plan_key): what a person saw.
    plan_key = models.CharField(max_length=64, blank=True)
    # The digest a person approved: the next run applies past the limits only if its
    # own plan has that digest (else it holds again and shows the difference).
    approved_key = models.CharField(max_length=64, blank=True)
    # The run applying an approved plan: its later slices pass the limits too.
    approved_run_id = models.BigIntegerField(null=True, blank=True)
    # Where the held run's reading ended: Discard moves the sync's cursors there.
    cursors = models.JSONField(default=dict, blank=True)
    # A re-plan after Approve that differed: [{name, side, field, held, now}], capped.
    difference = models.JSONField(default=list, blank=True)
    # After Discard: the records left different on the two sides, [{name, hub_id, app_id}].
    left_different = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"guard of sync {self.object_sync_id} ({self.state or 'clear'})"

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(self.changed_percent, self.changed_max, self.min_records,
                          self.creates_max, self.deleted_percent)


class HeldKind(models.TextChoices):
    UPDATE = "update", _("Update")
    CREATE = "create", _("Create")
    DELETE = "delete", _("Turns deleted")


class HeldChange(PortalOwned):
    """One field a held run would have written on one side (a create: one row per
    field; a link turning deleted: one row without a field)."""

    object_sync = models.ForeignKey(ObjectSync, on_delete=models.CASCADE, related_name="+",
                                    db_index=False)
    kind = models.CharField(max_length=10, choices=HeldKind.choices)
    side = models.CharField(max_length=5)  # "hub" or "app": the side written
    link_id = models.BigIntegerField(null=True, blank=True)
    hub_id = models.BigIntegerField(null=True, blank=True)
    app_id = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=300, blank=True)
    field = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_sync", "id"], name="held_by_sync")]

    def __str__(self) -> str:
        return f"{self.kind} {self.side} {self.field} of {self.name}"


def guard_of(sync: ObjectSync) -> MassChangeGuard:
    """The sync's guard row, unsaved with the defaults when it has none."""
    found = MassChangeGuard.objects.filter(object_sync_id=sync.pk).first()
    return found or MassChangeGuard(object_sync_id=sync.pk, portal_id=sync.portal_id)
