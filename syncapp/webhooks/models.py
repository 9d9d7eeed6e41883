"""Outbound webhook subscriptions and their deliveries (the delivery log)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import PortalOwned


class Event(models.TextChoices):
    RUN_FINISHED = "run.finished", _("Run finished (with counts, failed records included)")
    RUN_FAILED = "run.failed", _("Run failed")
    ALERT_OPENED = "alert.opened", _("Alert opened")
    ALERT_RESOLVED = "alert.resolved", _("Alert resolved")
    SETTINGS_CHANGED = "sync.settings_changed", _("Sync settings changed")


class Subscription(PortalOwned):
    """An HTTPS URL that receives the portal's events of the chosen kinds, signed with
    the subscription's secret (Fernet-encrypted at rest, as connection tokens)."""

    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)  # Event values
    secret_ciphertext = models.TextField()
    # After a rotation the old secret signs too, until this time (Standard Webhooks
    # allows several signatures), so a receiver can switch without losing events.
    previous_secret_ciphertext = models.TextField(blank=True)
    previous_valid_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:  # never the ciphertext
        return f"<Subscription {self.pk} {self.url}>"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Given up")


class Delivery(PortalOwned):
    """One event for one subscription: the message (id and body are fixed, so each
    try is the same message and a receiver can de-duplicate by webhook-id)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    message_id = models.CharField(max_length=40, unique=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["next_attempt_at"], name="delivery_due",
                                condition=models.Q(status="pending"))]

    def __str__(self) -> str:
        return f"{self.event} {self.message_id} ({self.status})"


class AttemptOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", _("Delivered")
    HTTP_ERROR = "http_error", _("Error status")
    REDIRECT = "redirect", _("Redirect (not followed)")
    NO_ANSWER = "no_answer", _("No answer")


class Attempt(models.Model):
    """One try of a delivery: what the receiver answered, and how fast."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="tries")
    at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=12, choices=AttemptOutcome.choices)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.outcome} {self.status_code}"
