"""The Alerts page (super admins): the portal's rules, who is told, snooze and mute,
and the open and past alerts with who was told and when."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from syncapp.accounts.members import ROLE_LABELS
from syncapp.alerts import rules as rulebook
from syncapp.alerts import services
from syncapp.alerts.models import Alert, RuleSilence
from syncapp.audit.views import super_admin_view
from syncapp.core import params

PAST_SHOWN = 50


def _page(request, *, status=200, error=None, posted=None):
    portal = request.portal
    current = posted or services.portal_rules(portal)
    silences = {s.kind: s for s in RuleSilence.objects.filter(portal=portal)}
    rows = [{"kind": kind, "rule": current[key], "silence": silences.get(key),
             "thresholds": [(t, current[key].get(t.name, t.default)) for t in kind.thresholds]}
            for key, kind in rulebook.KINDS.items()]
    alerts = Alert.objects.filter(portal=portal).select_related("object_sync__connection")
    return render(request, "alerts/page.html", {
        "rows": rows, "error": error, "roles": services.roles_of(portal),
        "role_labels": ROLE_LABELS.items(),
        "open_alerts": alerts.filter(resolved_at__isnull=True),
        "past_alerts": alerts.filter(resolved_at__isnull=False)[:PAST_SHOWN],
    }, status=status)


@require_GET
@super_admin_view
def page(request):
    return _page(request)


def _posted_rules(request) -> dict:
    """The rules form as a rules dict (values validated by services)."""
    rules = {}
    for key, kind in rulebook.KINDS.items():
        rule = {"enabled": request.POST.get(f"{key}-enabled") == "on"}
        for threshold in kind.thresholds:
            rule[threshold.name] = params.text(request.POST.get(f"{key}-{threshold.name}"),
                                               f"{key}-{threshold.name}", 20)
        rules[key] = rule
    return rules


@require_POST
@super_admin_view
def save_rules(request):
    rules = _posted_rules(request)
    roles = [params.text(v, "roles", 40) for v in request.POST.getlist("roles")]
    try:
        services.set_portal_rules(request.portal, rules, roles, by=request)
    except ValueError as exc:
        return _page(request, status=400, error=str(exc), posted=rules)
    messages.success(request, _("Alert rules saved."))
    return redirect("alerts:page")


@require_POST
@super_admin_view
def silence(request):
    kind = params.text(request.POST.get("rule"), "rule", 40)
    action = params.text(request.POST.get("action"), "action", 10)
    try:
        if action == "unmute":
            services.unsilence(request.portal, kind, by=request)
            done = _("The rule alerts again.")
        elif action == "mute":
            services.silence(request.portal, kind, mute=True, by=request)
            done = _("Rule muted: it opens no alerts until you unmute it.")
        elif action == "snooze":
            raw = params.text(request.POST.get("hours"), "hours", 10)
            hours = int(raw) if raw.isdigit() else -1
            services.silence(request.portal, kind, mute=False, hours=hours, by=request)
            done = _("Rule snoozed.")
        else:
            raise ValueError(_("Choose mute, snooze or unmute."))
    except ValueError as exc:
        return _page(request, status=400, error=str(exc))
    messages.success(request, done)
    return redirect("alerts:page")
