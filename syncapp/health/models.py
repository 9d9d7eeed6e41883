"""What the health pages keep of their own: link counters, column choices and the
background jobs people start from them (exports, resyncs, restores, retries).

Link statuses themselves are the engine's (syncapp.syncs.models.Link); the counters
here are kept by Postgres triggers on that table (see migrations/0001), so every
writer — engine, restore, a person deleting a sync — is counted, and the object view
reads a handful of rows instead of counting a million links.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import PortalOwned
from syncapp.integrations.catalog import connector_class
from syncapp.integrations.models import Connection
from syncapp.syncs.models import ObjectSync


class LinkTally(models.Model):
    """A delta of links per (object sync, status, detail); the sum is the count.

    Triggers only ever insert rows (no row is updated by two writers, so nothing
    waits or deadlocks); syncs/counts.py::compact folds them back into one row per key.
    `detail` is the error category of failed and deleted links, the exclusion
    reason of excluded ones, and "" otherwise.
    """

    # No foreign key: a sync's links are deleted before the sync itself, and the
    # deltas those deletes write must not stop the sync from going.
    object_sync_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    detail = models.CharField(max_length=40, blank=True)
    n = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["object_sync_id"], name="tally_by_sync")]

    def __str__(self) -> str:
        return f"{self.object_sync_id} {self.status}/{self.detail} {self.n:+d}"


class ColumnChoice(models.Model):
    """The record view's columns, in order, as one user chose them in one portal."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    portal = models.ForeignKey("accounts.Portal", on_delete=models.CASCADE, related_name="+")
    columns = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "portal"],
                                               name="columnchoice_one_per_user_portal")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.portal_id}: {self.columns}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class RepairKind(models.TextChoices):
    RESTORE = "restore", _("Restore deleted records")
    RETRY = "retry", _("Retry failed records")


class RepairJob(PortalOwned):
    """Support's resync, restore or retry of one object sync's records, in the background.

    Postgres holds what remains to do (the links' statuses) and what was done (the
    counts); the Celery message only says "go look at job N".
    """

    object_sync = models.ForeignKey(ObjectSync, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=RepairKind.choices)
    # restore: the side the records are recreated on ("hub" or "app").
    target = models.CharField(max_length=5, blank=True)
    # retry: the error category, and the chosen links (empty: all of the category).
    category = models.CharField(max_length=40, blank=True)
    link_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    succeeded = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    # Links taken by the batch in progress: put back if a worker dies holding them.
    claimed = models.JSONField(default=list, blank=True)
    after_id = models.BigIntegerField(default=0)  # retry walks its links by id
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_sync", "status"], name="repair_active")]

    def __str__(self) -> str:
        return f"{self.kind} {self.target or self.category} on {self.object_sync_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def label(self) -> str:
        """What the job does, in the words of the action that started it (a restore
        is the resync of the records deleted on its target side)."""
        if self.kind != RepairKind.RESTORE:
            return self.get_kind_display()
        if self.target == "hub":
            return gettext("Resync records deleted in Syncapp")
        app = connector_class(self.object_sync.connection.app_key).spec.name
        return gettext("Resync records deleted in %(app)s") % {"app": app}


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (.csv)")
    XLSX = "xlsx", _("Excel (.xlsx)")


class ExportJob(PortalOwned):
    """A record-view export, built in the background and e-mailed to the requester."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=5, choices=ExportFormat.choices)
    filters = models.JSONField(default=dict, blank=True)
    columns = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    message = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="+")
    # The requester's language: the file's headings and the e-mail are written in it.
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"export {self.pk} ({self.format}, {self.status})"
