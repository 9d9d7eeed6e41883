"""Telling people and receivers that an alert opened or resolved.

One mail per person, in that person's language (alerts/languages.py), through the
notify queue's send_notification; one webhook event per subscription that wants it.
Queued after the commit that opened or resolved the alert, never sent inline.
"""

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from syncapp.accounts.members import ROLE_FIELDS
from syncapp.accounts.models import Membership
from syncapp.alerts import rules as rulebook
from syncapp.alerts.languages import languages_of
from syncapp.alerts.models import Alert
from syncapp.alerts.services import roles_of
from syncapp.core.queue import send_after_commit
from syncapp.core.tasks import send_notification
from syncapp.webhooks.events import emit

OPENED, RESOLVED = "opened", "resolved"


def health_link(alert: Alert) -> str:
    """The health view that shows what the alert is about (SITE_URL, never a Host)."""
    sync = alert.object_sync
    app_key = sync.connection.app_key
    if alert.kind == "failed_records":
        path = reverse("health:failed", args=[app_key, sync.pk])
    else:
        path = reverse("health:overview", args=[app_key]) + f"?account={sync.connection_id}"
    return settings.SITE_URL + path


def recipients(portal_id: int) -> list[str]:
    """E-mail addresses (user names) of the members holding one of the alert roles."""
    holds_a_role = Q()
    for role in roles_of(portal_id):
        holds_a_role |= Q(**{ROLE_FIELDS[role]: True})
    return sorted(Membership.objects.filter(holds_a_role, portal_id=portal_id,
                                            user__is_active=True)
                  .values_list("user__username", flat=True).distinct())


def _mail(alert: Alert, event: str, email: str, language: str) -> None:
    with translation.override(language):
        sync = alert.object_sync
        context = {"alert": alert, "rule": rulebook.KINDS[alert.kind].label,
                   # One line: a vendor's account name may hold a newline, which a
                   # mail subject must not.
                   "sync": " ".join(f"{sync.connection.account_name} · {sync.app_object}"
                                    .split()),
                   "event": event, "link": health_link(alert)}
        subject = (_("Alert: %(rule)s — %(sync)s") if event == OPENED
                   else _("Resolved: %(rule)s — %(sync)s")) % {
            "rule": context["rule"], "sync": context["sync"]}
        body = render_to_string("alerts/alert_email.txt", context)
    send_after_commit(send_notification, subject, body, [email])


def announce(alert_id: int, event: str) -> None:
    """Mail the alert's people and emit its webhook event, after the commit; the
    alert records who was told and when."""
    alert = Alert.objects.select_related("object_sync__connection").get(pk=alert_id)
    people = recipients(alert.portal_id)
    languages = languages_of(alert.portal_id, people)
    now = timezone.now().isoformat()
    told = [{"email": e, "language": languages[e], "event": event, "at": now} for e in people]
    Alert.objects.filter(pk=alert.pk).update(notified=alert.notified + told)
    emit(alert.portal_id, f"alert.{event}", {
        "alert_id": alert.pk, "rule": alert.kind, "summary": alert.summary,
        "sync_id": alert.object_sync_id, "app": alert.object_sync.connection.app_key,
        "opened_at": alert.opened_at.isoformat(),
        "resolved_at": alert.resolved_at.isoformat() if alert.resolved_at else None,
        "health_url": health_link(alert)})

    for email in people:
        _mail(alert, event, email, languages[email])
