"""What a member of a portal may do. Super admins may do everything."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Permission(StrEnum):
    MARKETPLACE = "marketplace"  # install apps, connect accounts, configure syncs
    VIEW_HEALTH = "view_health"  # ops: read sync dashboards, export
    SUPPORT = "support"  # support: ops plus resync and restore
    MANAGE_MEMBERS = "manage_members"  # super admins only: no flag grants it


PERMISSION_LABELS = {
    Permission.MARKETPLACE: _("App Marketplace"),
    Permission.VIEW_HEALTH: _("Sync health (ops)"),
    Permission.SUPPORT: _("Support (resync and restore)"),
    Permission.MANAGE_MEMBERS: _("Super admin"),
}

# A permission also grants the ones listed here.
IMPLIED = {Permission.SUPPORT: {Permission.VIEW_HEALTH}}


def granted(flags: set[Permission]) -> set[Permission]:
    """The closure of a set of permissions under IMPLIED."""
    result = set(flags)
    for perm in flags:
        result |= IMPLIED.get(perm, set())
    return result
