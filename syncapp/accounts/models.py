"""Portals (tenants), their members and what each member may do."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.permissions import Permission, granted


class Plan(models.TextChoices):
    """What a portal pays for. Self-hosted installs have every feature."""

    FREE = "free", _("Free")
    SELF_HOSTED = "self_hosted", _("Self-hosted")


class Portal(models.Model):
    name = models.CharField(_("name"), max_length=200)
    plan = models.CharField(_("plan"), max_length=20, choices=Plan.choices,
                            default=Plan.SELF_HOSTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in one portal. A user may belong to several portals."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="memberships")
    is_super_admin = models.BooleanField(_("super admin"), default=False)
    can_marketplace = models.BooleanField(_("App Marketplace"), default=False)
    can_view_health = models.BooleanField(_("ops"), default=False)
    can_support = models.BooleanField(_("support"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "portal"], name="membership_unique_user_portal")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.portal}"

    @property
    def permissions(self) -> set[Permission]:
        if self.is_super_admin:
            return set(Permission)
        flags = {
            Permission.MARKETPLACE: self.can_marketplace,
            Permission.VIEW_HEALTH: self.can_view_health,
            Permission.SUPPORT: self.can_support,
        }
        return granted({perm for perm, on in flags.items() if on})

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


class PortalQuerySet(models.QuerySet):
    def for_portal(self, portal: Portal) -> "PortalQuerySet":
        return self.filter(portal=portal)


class PortalOwned(models.Model):
    """Base of every model that belongs to a portal: queries go through for_portal()."""

    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="+")

    objects = PortalQuerySet.as_manager()

    class Meta:
        abstract = True


class Invitation(models.Model):
    """An e-mailed offer to join a portal with some roles.

    Only a hash of the link's token is stored, so a database dump cannot be used to
    join; a resend replaces the token, so only the newest link works."""

    portal = models.ForeignKey(Portal, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    is_super_admin = models.BooleanField(_("super admin"), default=False)
    can_marketplace = models.BooleanField(_("App Marketplace"), default=False)
    can_view_health = models.BooleanField(_("ops"), default=False)
    can_support = models.BooleanField(_("support"), default=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    language = models.CharField(max_length=10, default="en")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} @ {self.portal}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
