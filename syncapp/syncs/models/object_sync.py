"""An object sync and its settings: direction, winner, matching, mappings, filters.

Postgres holds every state a sync cannot lose (cursors, links, runs); Celery
messages only say "go look at object sync N".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import PortalOwned
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
