"""The audit log: who did what to which object, kept append-only for at least a year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import Portal

RETENTION_DAYS = 365  # the trigger in migration 0001 lets only older rows be deleted


class AuditAction(models.TextChoices):
    CONNECTED = "connected", _("Account connected")
    RECONNECTED = "reconnected", _("Account reconnected")
    DISCONNECTED = "disconnected", _("Account disconnected")
    SYNC_CREATED = "sync_created", _("Sync created")
    SETTINGS_CHANGED = "settings_changed", _("Sync settings changed")
    TURNED_OFF = "turned_off", _("Sync turned off")
    TURNED_ON = "turned_on", _("Sync turned on")
    SYNC_DELETED = "sync_deleted", _("Sync deleted")
    SYNC_NOW = "sync_now", _("Sync now")
    RESYNC = "resync", _("Records resynced")
    RETRY = "retry", _("Failed records retried")
    RESTORE = "restore", _("Records restored")
    UNDO = "undo", _("Run undone")
    EXPORT = "export", _("Records exported")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOGIN_LOCKED_OUT = "login_locked_out", _("Sign-in locked out")
    # The people actions, recorded by syncapp/accounts/members.py.
    INVITE_SENT = "invite_sent", _("Invitation sent")
    INVITE_RESENT = "invite_resent", _("Invitation sent again")
    INVITE_ACCEPTED = "invite_accepted", _("Invitation accepted")
    INVITE_REVOKED = "invite_revoked", _("Invitation revoked")
    ROLE_CHANGED = "role_changed", _("Roles changed")
    MEMBER_REMOVED = "member_removed", _("Member removed")
    # API keys, recorded by syncapp/api/keys.py.
    API_KEY_CREATED = "api_key_created", _("API key created")
    API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
    # Outbound webhooks (syncapp/webhooks/services.py) and alert rules (syncapp/alerts).
    WEBHOOK_CREATED = "webhook_created", _("Webhook created")
    WEBHOOK_ROTATED = "webhook_rotated", _("Webhook secret rotated")
    WEBHOOK_DELETED = "webhook_deleted", _("Webhook deleted")
    ALERT_RULE_CHANGED = "alert_rule_changed", _("Alert rules changed")
    ALERT_MUTED = "alert_muted", _("Alert rule muted")
    ALERT_SNOOZED = "alert_snoozed", _("Alert rule snoozed")
    ALERT_UNMUTED = "alert_unmuted", _("Alert rule unmuted")
    # The mass-change circuit breaker (syncapp/syncs/run/breaker.py, syncs/review.py).
    RUN_HELD = "run_held", _("Run held for review")
    HELD_APPROVED = "held_approved", _("Held changes approved")
    HELD_DISCARDED = "held_discarded", _("Held changes discarded")
    THRESHOLDS_CHANGED = "thresholds_changed", _("Mass-change thresholds changed")
    API_BUDGET_CHANGED = "api_budget_changed", _("API budget share changed")


class AuditEntry(models.Model):
    """One recorded action. Postgres refuses UPDATE, and DELETE of rows under a year old."""

    # No database constraint and no cascade: removing a user or a portal must not try to
    # rewrite history (the trigger would refuse); actor_label keeps who it was.
    portal = models.ForeignKey(Portal, on_delete=models.DO_NOTHING, db_constraint=False,
                               null=True, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING,
                              db_constraint=False, null=True, related_name="+")
    actor_label = models.CharField(max_length=254, blank=True)  # kept if the user goes
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["portal", "-created_at", "-id"], name="audit_portal_page"),
            models.Index(fields=["portal", "actor", "-created_at"], name="audit_portal_actor"),
            models.Index(fields=["portal", "action", "-created_at"], name="audit_portal_action"),
            models.Index(fields=["portal", "object_type", "-created_at"],
                         name="audit_portal_object"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
