"""The "Needs review" page of a run the mass-change breaker held, its CSV export, its
actions (approve, discard, turn off), and the sync's thresholds page.

Ops and everyone who configures syncs may read; admins (App Marketplace) and support
may act; only admins change the thresholds. Queries go through get_sync (the
request's portal); every action is a POST with CSRF, audited by syncs/review.py.
"""

import csv

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from syncapp import audit
from syncapp.accounts.decorators import permission_denied, portal_view
from syncapp.accounts.permissions import Permission
from syncapp.audit.models import AuditAction
from syncapp.core.queue import QueueUnreachable
from syncapp.core.spreadsheet import neutralise
from syncapp.integrations.listing import app_card
from syncapp.syncs import review
from syncapp.syncs.models.held import guard_of
from syncapp.syncs.wizard.pages import app_class, get_sync, names_for


def _may_view(request) -> bool:
    return any(request.membership.has(p) for p in (Permission.VIEW_HEALTH,
                                                   Permission.MARKETPLACE))


def _may_act(request) -> bool:
    return any(request.membership.has(p) for p in (Permission.SUPPORT, Permission.MARKETPLACE))


def _page(request, sync, *, status: int = 200, error: str = ""):
    cls = app_class(sync.connection.app_key)
    context = {"app": app_card(cls), "sync": sync, "names": names_for(sync, cls),
               "held": review.held_view(sync), "can_act": _may_act(request), "error": error}
    return render(request, "syncs/held.html", context, status=status)


@require_GET
@portal_view()
def held(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    if not _may_view(request):
        return permission_denied(request, Permission.VIEW_HEALTH)
    return _page(request, sync)


@require_GET
@portal_view()
def held_export(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    if not _may_view(request):
        return permission_denied(request, Permission.VIEW_HEALTH)
    audit.record(request, AuditAction.EXPORT, sync, {"export": "held changes"})
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    lines = (writer.writerow(row) for row in _csv_rows(sync))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="held-changes-{stamp}.csv"'
    return response


def _csv_rows(sync):
    yield [_("Record"), _("Syncapp id"), _("App id"), _("Change"), _("Side"), _("Field"),
           _("Before"), _("After")]
    for row in review.export_rows(sync):
        yield [neutralise(_cell(cell)) for cell in (
            row.name, row.hub_id, row.app_id, row.get_kind_display(), row.side, row.field,
            row.before, row.after)]


def _cell(value) -> str:
    return "" if value is None else str(value)


def _act(request, app_key: str, sync_id: int, action):
    """Run a review action; its refusal re-renders the page with the message (409)."""
    sync = get_sync(request, app_key, sync_id)
    if not _may_act(request):
        return permission_denied(request, Permission.SUPPORT)
    try:
        done = action(sync)
    except review.ReviewRefused as refusal:
        return _page(request, sync, status=409, error=str(refusal))
    except QueueUnreachable:
        return _page(request, sync, status=503, error=_(
            "The task queue is unreachable; nothing was started."))
    messages.success(request, done)
    return redirect("syncs:held", app_key=app_key, sync_id=sync.pk)


@require_POST
@portal_view()
def approve(request, app_key: str, sync_id: int):
    def action(sync):
        review.approve(sync, request.POST.get("plan", ""), request)
        return _("Approved. The run checks the changes against current values and applies "
                 "them; if records changed meanwhile, it shows the difference first.")

    return _act(request, app_key, sync_id, action)


@require_POST
@portal_view()
def discard(request, app_key: str, sync_id: int):
    def action(sync):
        left = review.discard(sync, request.POST.get("plan", ""), request)
        return _("Discarded. The sync goes on past these changes; %(count)s records are "
                 "left different on the two sides (listed below).") % {"count": left}

    return _act(request, app_key, sync_id, action)


@require_POST
@portal_view()
def turn_off(request, app_key: str, sync_id: int):
    def action(sync):
        review.turn_off(sync, request)
        return _("The sync is off and the held changes are dropped. Turning it on again "
                 "checks them again.")

    return _act(request, app_key, sync_id, action)


@require_http_methods(["GET", "POST"])
@portal_view(Permission.MARKETPLACE)
def thresholds(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    guard, errors, status = guard_of(sync), {}, 200
    values = {name: getattr(guard, name) for name in review.RANGES}
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in review.RANGES}
        chosen, errors = review.check_thresholds(request.POST)
        if chosen is not None:
            review.save_thresholds(sync, chosen, request)
            messages.success(request, _("Thresholds saved: they apply from the next run."))
            return redirect("syncs:thresholds", app_key=app_key, sync_id=sync.pk)
        status = 400
    cls = app_class(app_key)
    fields = [(name, label, values[name], errors.get(name, ""), review.RANGES[name])
              for name, label in review.LABELS.items()]
    return render(request, "syncs/thresholds.html", {
        "app": app_card(cls), "sync": sync, "names": names_for(sync, cls), "fields": fields,
        "errors": errors}, status=status)


class _Echo:
    def write(self, value):
        return value
