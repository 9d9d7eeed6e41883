"""Alert rules (a portal's defaults, a sync's overrides), silences, and the alerts."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from syncapp.accounts.models import Portal, PortalOwned
from syncapp.syncs.models import ObjectSync


class PortalAlertSettings(models.Model):
    """The portal's rules ({kind: settings}, see alerts/rules.py) and who is told."""

    portal = models.OneToOneField(Portal, on_delete=models.CASCADE, related_name="+")
    rules = models.JSONField(default=dict, blank=True)
    roles = models.JSONField(default=list, blank=True)  # rules.ROLES; empty: DEFAULT_ROLES
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"alert settings of {self.portal_id}"


class SyncAlertOverrides(models.Model):
    """What one sync changes of its portal's rules (carried by its config export)."""

    object_sync = models.OneToOneField(ObjectSync, on_delete=models.CASCADE,
                                       related_name="alert_overrides")
    overrides = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"alert overrides of sync {self.object_sync_id}"


class RuleSilence(PortalOwned):
    """A rule a person muted (until unmuted) or snoozed (until a time): it opens no
    alert and tells no one meanwhile; alerts already open still resolve."""

    kind = models.CharField(max_length=30)
    muted = models.BooleanField(default=False)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["portal", "kind"],
                                               name="rulesilence_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} silenced"


class Alert(PortalOwned):
    """One episode of a rule firing for a sync: opened once, resolved once."""

    object_sync = models.ForeignKey(ObjectSync, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=30)
    summary = models.TextField(blank=True)  # in English, for logs and webhooks
    detail = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Who was told, and when: [{"email", "language", "event", "at"}].
    notified = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # Fires once per change of state: a second evaluation finds this one open.
            models.UniqueConstraint(fields=["object_sync", "kind"],
                                    condition=Q(resolved_at__isnull=True),
                                    name="alert_one_open_per_sync_rule"),
        ]
        indexes = [models.Index(fields=["portal", "-opened_at"], name="alert_by_portal")]

    def __str__(self) -> str:
        return f"{self.kind} on sync {self.object_sync_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class PersonLanguage(models.Model):
    """The language a person last used the product in: their alert mails' language
    (remembered by alerts/languages.py on their requests)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    language = models.CharField(max_length=10)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"
