"""Object syncs and what they record: mappings, filters, links, runs and history.

Postgres holds every state a sync cannot lose (cursors, links, runs); Celery
messages only say "go look at object sync N".
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import Portal, PortalOwned, PortalQuerySet
from syncapp.crm.models import Record
from syncapp.engine import config as engine_config
from syncapp.integrations.models import Connection


def default_poll_interval() -> int:
    """Seconds between a new sync's incremental runs (SYNC_POLL_INTERVAL_S)."""
    return settings.SYNC_POLL_INTERVAL_S


class Direction(models.TextChoices):
    TWO_WAY = "two_way", _("Two-way")
    TO_HUB = "to_hub", _("App to Syncapp only")
    TO_APP = "to_app", _("Syncapp to app only")


class Winner(models.TextChoices):
    HUB = "hub", _("Syncapp")
    APP = "app", _("The app")


class ConflictRule(models.TextChoices):
    """A mapping's own conflict rule (engine/config.CONFLICT_RULES); "" follows the
    sync's winner. The app's rule reads "Pipedrive wins" where the app is known
    (syncs/wizard/field_rules.rule_label)."""

    DEFAULT = engine_config.DEFAULT, _("The sync's default")
    HUB = engine_config.HUB, _("Syncapp wins")
    APP = engine_config.APP, _("The app wins")
    MOST_RECENT = engine_config.MOST_RECENT, _("Most recent change wins")
    FILL_EMPTY = engine_config.FILL_EMPTY, _("Only fill empty values")


class Matching(models.TextChoices):
    DEFAULT = "default", _("Default settings")
    CUSTOM = "custom", _("Choose your fields")
    NONE = "none", _("Do no matching")


class SyncState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ON = "on", _("On")
    OFF = "off", _("Off")


class ObjectSync(PortalOwned):
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="syncs")
    app_object = models.CharField(max_length=80)
    hub_object = models.CharField(max_length=20)
    direction = models.CharField(max_length=10, choices=Direction.choices,
                                 default=Direction.TWO_WAY)
    winner = models.CharField(max_length=5, choices=Winner.choices, default=Winner.HUB)
    matching = models.CharField(max_length=10, choices=Matching.choices,
                                default=Matching.DEFAULT)
    # "Choose your fields": [[app field, hub property], …], tried in order (engine/
    # matching.py); empty unless matching is custom.
    match_fields = models.JSONField(default=list, blank=True)
    email_only = models.BooleanField(default=True)  # contacts/leads: "only with an email"
    default_lifecycle_stage = models.CharField(max_length=50, blank=True)
    poll_interval_s = models.PositiveIntegerField(default=default_poll_interval)
    state = models.CharField(max_length=10, choices=SyncState.choices, default=SyncState.DRAFT)
    # Cursors: opaque app cursor, hub change-log cursor, deleted-records cursor.
    app_cursor = models.TextField(blank=True)
    hub_cursor = models.CharField(max_length=60, blank=True)
    deleted_cursor = models.TextField(blank=True)
    initial_done = models.BooleanField(default=False)
    # Where the initial sync is: reading the app ("app"), then the unlinked hub
    # records after hub_scan_after ("hub"); "" once it is done.
    initial_phase = models.CharField(max_length=20, default="app", blank=True)
    hub_scan_after = models.BigIntegerField(default=0)
    # A sync of an associated object started after this one linked its records: the
    # incremental runs walk every link's associations again, after this link id.
    # None when no walk is due.
    associations_after = models.BigIntegerField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    paused_until = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=40, blank=True)
    pause_message = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)  # bumped on every settings change
    # "A toggle turns all custom mappings off": kept, but not synced, while off.
    custom_mappings_on = models.BooleanField(default=True)
    # Settings being edited in the wizard for a sync that is on or off, applied
    # only when saved: {"base_version", "revision", "settings"} (syncs.wizard.state).
    pending_settings = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "app_object"],
                                    name="objectsync_one_per_app_object"),
        ]

    def __str__(self) -> str:
        return f"{self.connection} {self.app_object} <-> {self.hub_object}"

    @property
    def is_on(self) -> bool:
        return self.state == SyncState.ON


class FieldMapping(models.Model):
    object_sync = models.ForeignKey(ObjectSync, on_delete=models.CASCADE,
                                    related_name="mappings")
    app_field = models.CharField(max_length=200)
    hub_property = models.CharField(max_length=100)
    direction = models.CharField(max_length=10, choices=Direction.choices,
                                 default=Direction.TWO_WAY)
    enabled = models.BooleanField(default=True)
    required = models.BooleanField(default=False)
    is_default = models.BooleanField(default=True)
    # For dropdown <-> picklist pairs: {"app option": "hub option"}.
    value_map = models.JSONField(default=dict, blank=True)
    # Overrides the sync's winner for this field; blank: the sync's default.
    conflict_rule = models.CharField(max_length=20, choices=ConflictRule.choices,
                                     default=ConflictRule.DEFAULT, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["object_sync", "hub_property"],
                                    condition=Q(enabled=True),
                                    name="mapping_one_writer_per_hub_property"),
        ]

    def __str__(self) -> str:
        return f"{self.app_field} <-> {self.hub_property}"


class FilterSide(models.TextChoices):
    HUB = "hub", _("Syncapp to app")
    APP = "app", _("App to Syncapp")


class SyncFilter(models.Model):
    """A condition limiting which records are *initially* linked, per direction."""

    object_sync = models.ForeignKey(ObjectSync, on_delete=models.CASCADE,
                                    related_name="filters")
    side = models.CharField(max_length=5, choices=FilterSide.choices)
    field = models.CharField(max_length=200)
    operator = models.CharField(max_length=20)
    value = models.JSONField(default=None, null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.side}: {self.field} {self.operator} {self.value}"


class LinkStatus(models.TextChoices):
    # Written before an app create is sent, so a worker killed mid-call leaves a
    # trace to reconcile instead of a record created twice.
    PENDING = "pending", _("Being created")
    IN_SYNC = "in_sync", _("In sync")
    FAILED = "failed", _("Failed")
    EXCLUDED = "excluded", _("Excluded")
    DELETED_IN_HUB = "deleted_in_hub", _("Deleted in Syncapp")
    DELETED_IN_APP = "deleted_in_app", _("Deleted in the app")
    # Deleted on one side, then on the other: nothing live remains to copy from, but
    # the hub's archived record can still be restored. The second delete never hides
    # the first.
    DELETED_BOTH = "deleted_both", _("Deleted on both sides")


# What each of the dashboard's counts (DESIGN "Statuses": In sync / Failed / Excluded)
# covers, declared once: the health counts, lists and filters, the sync page, the API,
# alerts, webhooks and the Postgres tallies all derive from it (the tallies' SQL is
# rebuilt from it after every migrate, health/tallies.py). "Failed" takes a record
# deleted on one side too, as DESIGN says; each failing status comes with the error
# category a link of it is counted under when none was recorded. A new failing status
# is one line here.
FAILED_FALLBACK_CATEGORY: dict[str, str] = {
    LinkStatus.FAILED: "unknown",
    LinkStatus.DELETED_IN_HUB: "deleted_in_hub",
    LinkStatus.DELETED_IN_APP: "not_found",
    LinkStatus.DELETED_BOTH: "deleted_both",
}
COUNTED_AS: dict[str, frozenset[str]] = {
    "in_sync": frozenset({LinkStatus.IN_SYNC}),
    "failed": frozenset(FAILED_FALLBACK_CATEGORY),
    "excluded": frozenset({LinkStatus.EXCLUDED}),
}
COUNTED_AS_FAILED = COUNTED_AS["failed"]


class LinkQuerySet(PortalQuerySet):
    def counted_as(self, count: str) -> "LinkQuerySet":
        """The links one of the dashboard's counts ("in_sync", "failed", "excluded")
        counts."""
        return self.filter(status__in=COUNTED_AS[count])

    def counted_as_failed(self) -> "LinkQuerySet":
        """Links every count calls failed: failed, and deleted on either side."""
        return self.counted_as("failed")

    def failed_in_category(self, category: str) -> "LinkQuerySet":
        """Failed links whose error category, or its fallback when none was recorded,
        is `category`: the rows behind one card of the failed panel."""
        fallback = [s for s, c in FAILED_FALLBACK_CATEGORY.items() if c == category]
        return self.counted_as_failed().filter(
            Q(error_category=category) | Q(error_category="", status__in=fallback))


class Link(PortalOwned):
    """One pair (hub record, app record) of an object sync — or, when excluded or
    failed before linking, the one record considered.

    Every index costs each of a sync's inserts and updates: only those a query needs
    are kept, each one's query named in tests/engine/test_link_indexes.py, whose
    EXPLAIN proves the query uses it. The portal, object sync and hub record have no
    index of their own: the indexes below start with them."""

    # The object sync's portal, so the database checks the object sync alone: a
    # foreign key check per row is a good part of what a million-link sync costs.
    # Deleting a portal still cascades here (Django's on_delete, not the database's).
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    object_sync = models.ForeignKey(ObjectSync, on_delete=models.CASCADE, related_name="links",
                                    db_index=False)
    # No index of its own: link_unique_hub_record serves lookups by hub record, and
    # the SET NULL of a record deleted for good (only a portal's deletion does that).
    hub_record = models.ForeignKey(Record, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False)
    app_id = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    status = models.CharField(max_length=20, choices=LinkStatus.choices)
    error_category = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(blank=True)
    exclusion_reason = models.CharField(max_length=40, blank=True)
    # The app record's normalised identifier, kept while it has no hub record, so a
    # hub record created later can still be matched to it.
    match_key = models.CharField(max_length=255, blank=True)
    # A record failed as a duplicate: every candidate its identifier found, the ones a
    # person must merge or tell apart ({"hub": [record ids]} or {"app": [app ids]}).
    candidates = models.JSONField(default=dict, blank=True)
    # An association of this record waits for its other record to be linked.
    associations_pending = models.BooleanField(default=False)
    # Per mapped field, the value last synced (keyed by hub property).
    last_synced = models.JSONField(default=dict, blank=True)
    # A failed link whose write was refused for a person to act on (not a transient
    # failure): per mapped field, what both sides held then, packed as last_synced. Runs
    # do not send the write again while both sides still hold exactly this (engine/
    # executor.py); Retry forgets it (health/repair.py). Empty on any other status.
    refused = models.JSONField(default=dict, blank=True)
    # Names for the record views, kept so they need no join or vendor call.
    hub_name = models.CharField(max_length=300, blank=True)
    app_name = models.CharField(max_length=300, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # The app record's stamp (AppRecord.stamp) as our last write to it returned it:
    # read back with the same stamp, the record is that write's echo and is dropped
    # before any planning (syncs/run/echoes.py). "" when the app gave none.
    app_seen = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LinkQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["object_sync", "hub_record"],
                                    condition=Q(hub_record__isnull=False),
                                    name="link_unique_hub_record"),
            models.UniqueConstraint(fields=["object_sync", "app_id"],
                                    condition=Q(app_id__isnull=False),
                                    name="link_unique_app_id"),
        ]
        indexes = [
            models.Index(fields=["object_sync", "status", "id"], name="link_by_status"),
            models.Index(fields=["object_sync", "id"], name="link_associations_pending",
                         condition=Q(associations_pending=True)),
            models.Index(fields=["object_sync", "match_key"], name="link_app_only_by_key",
                         condition=Q(hub_record__isnull=True) & ~Q(match_key="")),
            models.Index(fields=["portal", "status", "updated_at", "id"],
                         name="link_record_view"),
            # What each run retries (syncs/run/runner.py): creates a dead worker cut short,
            # and failures that pass by themselves; a quiet run finds none without a scan.
            models.Index(fields=["object_sync", "updated_at"], name="link_to_retry",
                         condition=Q(status="pending") | Q(
                             status="failed", error_category__in=["rate_limited",
                                                                  "app_unavailable"])),
        ]

    def __str__(self) -> str:
        return f"{self.hub_record_id} <-> {self.app_id} ({self.status})"


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

    # The portal is the link's, and the run only a label kept for the record's history:
    # the database checks the link alone (see Link.portal). on_delete still applies.
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="history",
                             db_index=False)
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


# The breaker's models live beside these (syncs/held.py); importing them here registers
# them with the app.
from syncapp.syncs.held import HeldChange, MassChangeGuard  # noqa: E402, F401
