"""Links, one per pair of records an object sync keeps, and what each status counts as."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import Portal, PortalOwned, PortalQuerySet
from syncapp.crm.models import Record
from syncapp.syncs.models.object_sync import ObjectSync


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

    # The database checks none of these three: each link is written by the engine, in
    # the batch transaction that read its object sync and hub record. A check is one
    # query per row, deferred to every batch's commit, on the path the next batch waits
    # for: 300,000 for an initial sync of 100,000 contacts a side. Without the object
    # sync's and hub record's, Postgres's CPU per 1,000 records went from 0.063 to 0.053 s
    # there (migration 0020). Deleting a portal, a sync or a record still cascades or
    # clears here (Django's on_delete, not the database's).
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="+",
                               db_index=False, db_constraint=False)
    object_sync = models.ForeignKey(ObjectSync, on_delete=models.CASCADE, related_name="links",
                                    db_index=False, db_constraint=False)
    # No index of its own: link_unique_hub_record serves lookups by hub record, and
    # the SET NULL of a record deleted for good (only a portal's deletion does that).
    hub_record = models.ForeignKey(Record, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", db_index=False, db_constraint=False)
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
    # do not send the write again while both sides still hold exactly this (syncs/run/
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
