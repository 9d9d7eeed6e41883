"""Changing alert rules: a portal's defaults, a sync's overrides, snoozes and mutes.
Each validates before writing (ValueError with a message) and records its audit entry
in its own transaction."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from syncapp import audit
from syncapp.alerts import rules as rulebook
from syncapp.alerts.models import PortalAlertSettings, RuleSilence, SyncAlertOverrides
from syncapp.audit.log import diff
from syncapp.audit.models import AuditAction

MAX_SNOOZE = timedelta(days=30)


def portal_settings(portal) -> PortalAlertSettings:
    """The portal's alert settings (`portal` or its id); unsaved defaults until a
    super admin saves the rules, so reading them never writes."""
    portal_id = getattr(portal, "pk", portal)
    return (PortalAlertSettings.objects.filter(portal_id=portal_id).first()
            or PortalAlertSettings(portal_id=portal_id))


def portal_rules(portal) -> dict:
    return rulebook.effective(portal_settings(portal).rules, {})


def roles_of(portal) -> list[str]:
    return portal_settings(portal).roles or rulebook.DEFAULT_ROLES


def set_portal_rules(portal, rules: dict, roles: list[str], *, by) -> None:
    """Replace the portal's defaults (every rule, as the rules page posts them)."""
    clean = rulebook.validate_overrides(rules)
    roles = rulebook.validate_roles(roles)
    with transaction.atomic():
        PortalAlertSettings.objects.get_or_create(portal=portal)
        found = PortalAlertSettings.objects.select_for_update().get(portal=portal)
        before = {"rules": rulebook.effective(found.rules, {}), "roles": found.roles
                  or rulebook.DEFAULT_ROLES}
        found.rules = rulebook.effective(clean, {})
        found.roles = roles
        found.save(update_fields=["rules", "roles", "updated_at"])
        after = {"rules": found.rules, "roles": roles}
        if after != before:
            audit.record(by, AuditAction.ALERT_RULE_CHANGED, portal, diff(before, after),
                         portal=portal, label=_("Alert rules"))


def alert_overrides(sync) -> dict:
    """The sync's own rule settings, as the config export writes them."""
    found = SyncAlertOverrides.objects.filter(object_sync=sync).first()
    return dict(found.overrides) if found else {}


def set_alert_overrides(sync, overrides: dict, *, by=None) -> dict:
    """Replace the sync's overrides (ValueError for anything invalid: nothing saved)."""
    clean = rulebook.validate_overrides(overrides)
    with transaction.atomic():
        before = alert_overrides(sync)
        SyncAlertOverrides.objects.update_or_create(object_sync=sync,
                                                    defaults={"overrides": clean})
        if clean != before:
            audit.record(by, AuditAction.ALERT_RULE_CHANGED, sync,
                         diff({"alerts": before}, {"alerts": clean}), portal=sync.portal)
    return clean


def rules_for(sync) -> dict:
    return rulebook.effective(portal_settings(sync.portal).rules, alert_overrides(sync))


def silence(portal, kind: str, *, mute: bool, hours: int | None = None, by) -> RuleSilence:
    """Mute a rule (until unmuted) or snooze it for `hours`."""
    if kind not in rulebook.KINDS:
        raise ValueError(_("Unknown alert rule: %(rule)s.") % {"rule": kind})
    until = None
    if not mute:
        if not isinstance(hours, int) or not 1 <= hours <= MAX_SNOOZE.days * 24:
            raise ValueError(_("Snooze for 1 to %(max)s hours.") % {"max": MAX_SNOOZE.days * 24})
        until = timezone.now() + timedelta(hours=hours)
    user = getattr(by, "user", by)
    with transaction.atomic():
        found, _created = RuleSilence.objects.update_or_create(
            portal=portal, kind=kind,
            defaults={"muted": mute, "snoozed_until": until,
                      "by": user if getattr(user, "is_authenticated", False) else None})
        action = AuditAction.ALERT_MUTED if mute else AuditAction.ALERT_SNOOZED
        changes = {"rule": kind} if mute else {"rule": kind, "until": until.isoformat()}
        audit.record(by, action, found, changes, portal=portal, label=kind)
    return found


def unsilence(portal, kind: str, *, by) -> None:
    with transaction.atomic():
        deleted, _rows = RuleSilence.objects.filter(portal=portal, kind=kind).delete()
        if deleted:
            audit.record(by, AuditAction.ALERT_UNMUTED, None, {"rule": kind}, portal=portal,
                         label=kind)


def silenced_kinds(portal_id: int) -> set[str]:
    now = timezone.now()
    return {s.kind for s in RuleSilence.objects.filter(portal_id=portal_id)
            if s.muted or (s.snoozed_until and s.snoozed_until > now)}
