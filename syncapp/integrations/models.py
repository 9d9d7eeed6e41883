"""Connections: one installed account of an app in a portal."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import PortalOwned


class ConnectionStatus(models.TextChoices):
    CONNECTED = "connected", _("Connected")
    NEEDS_RECONNECT = "needs_reconnect", _("Needs reconnect")
    DISCONNECTED = "disconnected", _("Disconnected")


class Connection(PortalOwned):
    app_key = models.CharField(max_length=50)
    account_id = models.CharField(max_length=200)  # the vendor's id of the account
    account_name = models.CharField(max_length=300)
    # Non-secret facts the connector needs again (instance URL, API domain, …).
    account_extra = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=ConnectionStatus.choices, default=ConnectionStatus.CONNECTED
    )
    # The OAuth token, Fernet-encrypted (see integrations.crypto). Never logged.
    token_ciphertext = models.TextField(blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # The share (percent) of the vendor's daily API budget Syncapp may spend, for apps
    # whose spec says `reports_api_usage`; runs pause once it is spent. The database holds
    # the default too, so rows written by code older than this column still get it.
    api_budget_share = models.PositiveSmallIntegerField(
        default=100, db_default=100, validators=[MinValueValidator(1), MaxValueValidator(100)])
    last_error_category = models.CharField(max_length=40, blank=True)
    last_error_message = models.TextField(blank=True)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["app_key", "account_name", "id"]
        constraints = [
            # The same vendor account cannot be connected twice to one portal.
            models.UniqueConstraint(
                fields=["portal", "app_key", "account_id"],
                condition=~Q(status="disconnected"),
                name="connection_unique_live_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.app_key}: {self.account_name}"

    def __repr__(self) -> str:  # never show the ciphertext, even encrypted
        return f"<Connection {self.pk} {self.app_key} {self.account_id} {self.status}>"
