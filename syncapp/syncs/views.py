"""An object sync's page, its live progress, and Actions: sync now, off, on, delete.

Everyone in the portal may read these pages; only super admins and App
Marketplace users change a sync. (The setup wizard lives in syncs.wizard.)
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from syncapp.accounts.decorators import portal_view
from syncapp.accounts.permissions import PERMISSION_LABELS, Permission
from syncapp.core.htmx import HtmxHttpRequest
from syncapp.integrations.listing import app_card
from syncapp.integrations.models import ConnectionStatus
from syncapp.syncs import services
from syncapp.syncs.models import SyncState
from syncapp.syncs.models.held import MASS_CHANGE
from syncapp.syncs.progress import link_counts, progress
from syncapp.syncs.wizard import state
from syncapp.syncs.wizard.fields import cached_app_fields, hub_properties
from syncapp.syncs.wizard.pages import app_class, get_sync, names_for, step_url
from syncapp.syncs.wizard.summary import Labels, sections


def _can_configure(request) -> bool:
    return request.membership.has(Permission.MARKETPLACE)


def _can_view_health(request) -> bool:
    return request.membership.has(Permission.VIEW_HEALTH)


def _summary(sync, cls):
    hub = {p.name: p for p in hub_properties(sync.portal, sync.hub_object)}
    app = {f.name: f for f in cached_app_fields(sync.connection, sync.app_object)}
    labels = Labels(app, hub)
    settings = state.from_rows(sync)
    stage = hub.get("lifecyclestage")
    stage_label = dict(stage.options).get(settings.default_lifecycle_stage, "") if stage else ""
    return sections(settings, names_for(sync, cls), labels, str(stage_label))


@require_GET
@portal_view()
def detail(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    can_configure = _can_configure(request)
    if sync.state == SyncState.DRAFT and can_configure:
        return redirect(step_url(sync, "configure"))
    cls = app_class(app_key)
    dialog = request.GET.get("dialog", "")
    context = {
        "app": app_card(cls), "sync": sync, "names": names_for(sync, cls),
        "progress": progress(sync), "links": link_counts(sync),
        "sections": _summary(sync, cls), "can_configure": can_configure,
        "can_view_health": _can_view_health(request),
        "can_undo": request.membership.has(Permission.SUPPORT),
        "missing_permission": PERMISSION_LABELS[Permission.MARKETPLACE],
        "dialog": dialog if dialog in ("off", "delete") else "",
        "connected": sync.connection.status == ConnectionStatus.CONNECTED,
        "pending": state.has_pending_edit(sync),
        "runs": list(sync.runs.order_by("-id")[:5]),
    }
    return render(request, "syncs/detail.html", context)


@require_GET
@portal_view()
def progress_panel(request: HtmxHttpRequest, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    if not request.htmx:
        return redirect("syncs:detail", app_key=app_key, sync_id=sync.pk)
    current = progress(sync)
    context = {"sync": sync, "progress": current, "links": link_counts(sync),
               "names": names_for(sync, app_class(app_key)),
               "can_view_health": _can_view_health(request)}
    template = "syncs/partials/progress.html"
    if current.finished:
        return HttpResponseStopPolling(render_to_string(template, context, request))
    return render(request, template, context)


def _action(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    return sync, reverse("syncs:detail", args=[app_key, sync.pk])


@require_POST
@portal_view(Permission.MARKETPLACE)
def sync_now(request, app_key: str, sync_id: int):
    sync, back = _action(request, app_key, sync_id)
    if sync.state != SyncState.ON:
        messages.error(request, _("Turn the sync on first: a sync that is off doesn't run."))
    elif sync.connection.status != ConnectionStatus.CONNECTED:
        messages.error(request, _("Reconnect the account first (Actions → Manage accounts)."))
    elif sync.pause_reason == MASS_CHANGE:
        messages.error(request, _("This sync needs review first: a run would change more "
                                  "than its limits allow. Approve, discard or turn it off "
                                  "on the review page."))
    else:
        services.sync_now(sync, request)
        messages.success(request, _("A sync has started: recent changes are on their way."))
    return redirect(back)


@require_POST
@portal_view(Permission.MARKETPLACE)
def turn_off(request, app_key: str, sync_id: int):
    sync, back = _action(request, app_key, sync_id)
    if sync.state == SyncState.ON:
        services.turn_off(sync, request)
        messages.success(request, _("The sync is off. Links and the place it reached are kept: "
                                    "turning it on again catches up."))
    return redirect(back)


@require_POST
@portal_view(Permission.MARKETPLACE)
def turn_on(request, app_key: str, sync_id: int):
    sync, back = _action(request, app_key, sync_id)
    if sync.state == SyncState.OFF:
        services.turn_on(sync, request)
        messages.success(request, _("The sync is on and is catching up with what changed while "
                                    "it was off."))
    return redirect(back)


@require_POST
@portal_view(Permission.MARKETPLACE)
def delete(request, app_key: str, sync_id: int):
    sync, _back = _action(request, app_key, sync_id)
    label = names_for(sync, app_class(app_key)).app_object
    services.delete_sync(sync, request)
    messages.success(request, _("The %(object)s sync is deleted. Every record is kept, in "
                                "Syncapp and in the app.") % {"object": label})
    return redirect("integrations:app", app_key=app_key)
