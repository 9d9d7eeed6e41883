"""Runs of an object sync and the history each writes: one row per record per batch."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import Portal, PortalOwned
from syncapp.syncs.models.links import Link
from syncapp.syncs.models.object_sync import ObjectSync


class RunKind(models.TextChoices):
    INITIAL = "initial", _("Initial sync")
    INCREMENTAL = "incremental", _("Incremental sync")
    RESYNC = "resync", _("Resync")
    RESTORE = "restore", _("Restore")
    UNDO = "undo", _("Undo")  # puts back what another run wrote (syncs/run/undo.py)


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    # Finished, but creates announced by a worker that died are not settled yet (the
    # run's counts say how many): later runs settle them, this run cannot say it did.
    UNSETTLED = "unsettled", _("Creates pending")
    PAUSED = "paused", _("Paused")
    FAILED = "failed", _("Failed")
    STOPPED = "stopped", _("Stopped")  # the sync was turned off or deleted meanwhile


class Run(PortalOwned):
    object_sync = models.ForeignKey(ObjectSync, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=20, choices=RunKind.choices)
    status = models.CharField(max_length=20, choices=RunStatus.choices,
                              default=RunStatus.RUNNING)
    counts = models.JSONField(default=dict, blank=True)  # read, matched, created_hub, …
    estimated_total = models.PositiveIntegerField(null=True, blank=True)
    error_category = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # An undo run: the run whose writes it puts back. A run has one undo at most,
    # unless an earlier one failed (the constraint below): a second is refused.
    undoes = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="undos")
    # An undo's last sign of life (each slice of its task, busy or not): the sweeper
    # sends the task again for an undo silent for long, whose message was lost.
    alive_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_sync", "-started_at"], name="run_latest"),
                   # The sweeper's query: the few undos running, whatever the runs' count.
                   models.Index(fields=["alive_at"], name="run_undo_running",
                                condition=Q(kind="undo", status="running"))]
        constraints = [
            models.UniqueConstraint(fields=["undoes"], name="run_one_undo",
                                    condition=Q(undoes__isnull=False) & ~Q(status="failed")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} run {self.pk} ({self.status})"


class HistoryEntry(PortalOwned):
    """What the sync did to one record in one batch: which sides, which fields, and why.

    One row per changed record per batch (syncs/run/store.save merges the batch's
    notes), shaped so that undo can reverse it from the row alone:

    - `actions`: what happened, in order (["linked", "updated"]); `action` is the most
      telling of them (store.PRECEDENCE), the one lists filter and label by;
    - `side`: "hub" or "app" when only one side was touched, else "both";
    - `changes`: {side: {field: [old, new, rule]}}, the hub's fields by property, the
      app's by field name; `rule` is the conflict rule that decided the field
      (engine/rules.py); a field of two items, [old, new], was decided by the row's
      `reason` (a record created: its cause is not repeated in each of its fields);
      lists, not {"old": …, "new": …} objects, keep a million rows small;
    - `reason`: why the record itself was touched (the match, the create, the vendor's
      refusal).

    Rows from before 0013 hold {field: [old, new]} for `side` and one joined reason:
    the migration nests them under their side, and `diffs()` still reads that shape (a
    row written by a worker of the previous release during a deploy). Read by link only
    (history_by_link), and by run for an undo (history_by_run, which also serves the run
    retention's SET NULL)."""

    # The database checks none of these: the portal is the link's, the run only a label
    # kept for the record's history, and each row is written in the transaction that
    # saves its link, by the code that just saved it (syncs/run/store.py): a check per
    # row at every commit was a good part of what a million-link sync cost Postgres.
    # Deleting a link, a portal or a run still cascades or clears here (Django's
    # on_delete, not the database's).
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="history",
                             db_index=False, db_constraint=False)
    run = models.ForeignKey(Run, null=True, on_delete=models.SET_NULL, related_name="+",
                            db_constraint=False, db_index=False)  # history_by_run
    side = models.CharField(max_length=5)  # "hub", "app", or "both"
    action = models.CharField(max_length=20)  # the most telling of `actions`
    actions = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    changes = models.JSONField(default=dict, blank=True)  # {side: {field: [old, new, rule]}}
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["link", "-id"], name="history_by_link"),
                   # A run's records in link order: an undo walks them a batch at a time
                   # (syncs/run/undo_plan.py); the run retention's SET NULL uses it too.
                   models.Index(fields=["run", "link"], name="history_by_run")]

    @property
    def all_actions(self) -> list[str]:
        return list(self.actions) or [self.action]

    def diffs(self) -> list[tuple[str, str, object, object, str]]:
        """(side, field, old, new, rule) for every field the batch wrote, hub first."""
        found = []
        for side, fields in history_sides(self.changes, self.side).items():
            for name, diff in sorted(fields.items()):
                old, new, rule = [*diff, None, None, None][:3] if isinstance(diff, list) \
                    else (None, None, None)
                found.append((side, name, old, new, rule or self.reason))
        return found

    def __str__(self) -> str:
        return f"{self.action} {self.side} on link {self.link_id}"


def history_sides(changes: dict, side: str) -> dict[str, dict]:
    """A history row's `changes` as {side: {field: [old, new(, rule)]}}, whichever shape
    it was written in (before 0013: {field: [old, new]} for the row's one side)."""
    if not changes or all(k in ("hub", "app") and isinstance(v, dict)
                          for k, v in changes.items()):
        return {s: changes[s] for s in ("hub", "app") if changes.get(s)}
    return {side: changes}

