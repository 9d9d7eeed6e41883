"""API keys: one portal, one scope, a secret shown once and kept only as a hash."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import PortalOwned


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiKey(PortalOwned):
    """A key acts as the super admin who created it (the audit names them), within its
    portal and scope. The secret is high-entropy, so a plain SHA-256 of it is enough."""

    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=5, choices=Scope.choices)
    secret_hash = models.CharField(max_length=64)
    # The key goes with the person it acts as: a key must never outlive its author.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE
