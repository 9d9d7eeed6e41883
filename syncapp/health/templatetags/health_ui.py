"""Small template helpers of the health pages."""

from django import template
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.permissions import Permission
from syncapp.health.columns import reason_text

register = template.Library()


@register.filter
def may(membership, permission: str) -> bool:
    """{% if current_membership|may:"support" %}: holds that permission."""
    return bool(membership) and membership.has(Permission(permission))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def percent(part, whole) -> float:
    return round(100 * part / whole, 1) if whole else 0


@register.filter
def reason(link, app: str) -> str:
    """A link's error category or exclusion reason, in words."""
    return reason_text(link.status, link.error_category, link.exclusion_reason, app)


@register.filter
def checks_every(seconds) -> str:
    """How often a sync looks for changes, in minutes (or seconds when under one)."""
    seconds = seconds or 0
    if seconds < 60:
        return _("Checks for changes every %(every)s s") % {"every": seconds}
    return _("Checks for changes every %(every)s min") % {"every": f"{seconds / 60:g}"}


ACTIONS = {
    "created": _("Created"), "updated": _("Updated"), "linked": _("Linked"),
    "excluded": _("Excluded"), "failed": _("Failed"), "deleted": _("Deleted"),
    "recreated": _("Recreated"), "restored": _("Restored"),
    "association_failed": _("Association failed"),
}


@register.filter
def action_label(action: str) -> str:
    """A history entry's action in words (the engine records a code)."""
    return str(ACTIONS.get(action, action.replace("_", " ").capitalize()))
