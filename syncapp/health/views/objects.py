"""Sync overview, the object view's lists, the failed panel and a record's sync history."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from syncapp.accounts.decorators import portal_view
from syncapp.accounts.permissions import Permission
from syncapp.audit.models import AuditAction
from syncapp.core import params
from syncapp.core.htmx import HtmxHttpRequest
from syncapp.crm.identifier_table import TABLE
from syncapp.health import queries, repair, repair_start
from syncapp.health.models import RepairJob
from syncapp.health.overview import connection_state, hourly_activity, sync_rows
from syncapp.health.tips import DELETED_CATEGORIES, ERROR_TIPS, EXCLUSION_REASONS, error_tip
from syncapp.health.views.common import (
    app_or_404,
    chosen_connection,
    link_or_404,
    page_context,
    sync_or_404,
    with_app_urls,
)
from syncapp.syncs.counts import counts_for
from syncapp.syncs.models import LinkStatus

VIEW = Permission.VIEW_HEALTH
SUPPORT = Permission.SUPPORT


@require_GET
@portal_view(VIEW)
def overview(request, app_key: str):
    cls = app_or_404(app_key)
    accounts, connection = chosen_connection(request, app_key)
    context = page_context(request, cls, connection, accounts, tab="objects")
    if connection is not None:
        rows = sync_rows(connection)
        context.update(
            rows=rows, counts=counts_for([r.sync.pk for r in rows]),
            state=connection_state(connection, [r.sync for r in rows], cls.spec.name),
            chart=hourly_activity([r.sync.pk for r in rows]))
    return render(request, "health/overview.html", context)


def _sync_context(request, app_key: str, sync_id: int, tab: str) -> tuple:
    cls = app_or_404(app_key)
    sync = sync_or_404(request, app_key, sync_id)
    row = next(r for r in sync_rows(sync.connection) if r.sync.pk == sync.pk)
    counts = counts_for([sync.pk])[sync.pk]
    return sync, counts, page_context(request, cls, sync.connection, tab=tab, row=row,
                                      sync=sync, counts=counts)


@require_GET
@portal_view(VIEW)
def in_sync(request, app_key: str, sync_id: int):
    sync, _counts, context = _sync_context(request, app_key, sync_id, "in_sync")
    links, after = queries.in_sync_page(sync, request.GET.get("after"))
    context.update(links=links, next_after=after)
    return render(request, "health/in_sync.html", context)


@require_GET
@portal_view(VIEW)
def excluded(request, app_key: str, sync_id: int):
    sync, counts, context = _sync_context(request, app_key, sync_id, "excluded")
    reason = request.GET.get("reason", "")
    if reason and reason not in EXCLUSION_REASONS:
        messages.error(request, _("“%(reason)s” is not an exclusion reason; showing all of "
                                  "them.") % {"reason": reason})
        reason = ""
    links, after = queries.excluded_page(sync, reason, request.GET.get("after"))
    reasons = [(code, label, counts.excluded_by_reason.get(code, 0))
               for code, label in EXCLUSION_REASONS.items()]
    context.update(links=links, next_after=after, reason=reason, reasons=reasons,
                   identifier_table=TABLE)
    return render(request, "health/excluded.html", context)


@require_GET
@portal_view(VIEW)
def failed(request, app_key: str, sync_id: int):
    sync, counts, context = _sync_context(request, app_key, sync_id, "failed")
    app = context["app"].name
    cards = sorted(((error_tip(code, app), n) for code, n in counts.failed_by_category.items()
                    if n), key=lambda card: -card[1])
    category = request.GET.get("category") or (cards[0][0].code if cards else "")
    if category and category not in ERROR_TIPS:
        messages.error(request, _("“%(category)s” is not an error category.")
                       % {"category": category})
        category = cards[0][0].code if cards else ""
    links, after = queries.failed_page(sync, category, request.GET.get("after")) \
        if category else ([], None)
    jobs = RepairJob.objects.filter(object_sync=sync).order_by("-id")[:3]
    context.update(
        cards=cards, category=category, tip=error_tip(category, app) if category else None,
        links=with_app_urls(links, [sync]), next_after=after, jobs=jobs,
        retryable=category and category not in DELETED_CATEGORIES,
        # A resync into Syncapp also restores the archived records of links deleted on
        # both sides; a resync into the app has nothing live to copy those from.
        deleted_in_hub=counts.deleted(LinkStatus.DELETED_IN_HUB)
        + counts.deleted(LinkStatus.DELETED_BOTH),
        deleted_in_app=counts.deleted(LinkStatus.DELETED_IN_APP),
        deleted_both=counts.deleted(LinkStatus.DELETED_BOTH),
        category_count=counts.failed_by_category.get(category, 0))
    return render(request, "health/failed.html", context)


def _failed_url(app_key: str, sync, **query_params) -> str:
    query = "&".join(f"{k}={v}" for k, v in query_params.items() if v)
    return reverse("health:failed", args=[app_key, sync.pk]) + (f"?{query}" if query else "")


@require_POST
@portal_view(SUPPORT)
def resync(request, app_key: str, sync_id: int):
    sync = sync_or_404(request, app_key, sync_id)
    target = request.POST.get("target", "")
    if target not in repair.DELETED_STATUS:
        messages.error(request, _("Choose where to recreate the records: Syncapp or the app."))
        return redirect(_failed_url(app_key, sync))
    _start_restore(request, sync, target, AuditAction.RESYNC)
    return redirect(_failed_url(app_key, sync, category=request.POST.get("category", "")))


def _start_restore(request, sync, target: str,
                   action: str = AuditAction.RESTORE) -> RepairJob | None:
    try:
        job = repair_start.start_restore(sync, target, request.user, action, by=request)
    except repair_start.AlreadyRunning as running:
        messages.warning(request, _("These records are already being restored (started "
                                    "%(when)s). Nothing is restored twice.")
                         % {"when": running.job.created_at.strftime("%H:%M")})
        return None
    both = repair_start.gone_on_both_sides(sync) if target == "app" else 0
    if both:
        messages.info(request, ngettext(
            "%(n)d record was deleted on both sides: nothing live remains to copy it from. "
            "Resync records deleted in Syncapp restores its archived Syncapp record first.",
            "%(n)d records were deleted on both sides: nothing live remains to copy them "
            "from. Resync records deleted in Syncapp restores their archived Syncapp "
            "records first.", both) % {"n": both})
    if not job.total:
        messages.info(request, _("There are no deleted records to restore."))
    else:
        messages.success(request, _("Restoring %(n)d records. This page shows how it goes.")
                         % {"n": job.total})
    return job


@require_POST
@portal_view(SUPPORT)
def retry(request, app_key: str, sync_id: int):
    sync = sync_or_404(request, app_key, sync_id)
    category = request.POST.get("category", "")
    if category not in ERROR_TIPS or category in DELETED_CATEGORIES:
        messages.error(request, _("Choose a category of failed records to retry."))
        return redirect(_failed_url(app_key, sync))
    chosen = params.id_list(request.POST.getlist("link"), "link")
    if request.POST.get("scope") != "all" and not chosen:
        messages.error(request, _("Select the records to retry, or retry them all."))
        return redirect(_failed_url(app_key, sync, category=category))
    ids = [] if request.POST.get("scope") == "all" else chosen
    try:
        job = repair_start.start_retry(sync, category, ids, request.user, by=request)
    except repair_start.AlreadyRunning:
        messages.warning(request, _("A retry of this category is already running."))
    else:
        messages.success(request, _("Retrying %(n)d records now.") % {"n": job.total})
    return redirect(_failed_url(app_key, sync, category=category))


@require_GET
@portal_view(VIEW)
def job_status(request: HtmxHttpRequest, app_key: str, job_id: int):
    job = get_object_or_404(RepairJob.objects.for_portal(request.portal),
                            pk=job_id, object_sync__connection__app_key=app_key)
    if request.htmx and not job.is_active:
        # Done: reload the page so its counts and lists show what came back.
        return HttpResponseClientRefresh()
    return render(request, "health/partials/job_status.html", {"job": job})


@require_GET
@portal_view(VIEW)
def history(request: HtmxHttpRequest, app_key: str, link_id: int):
    cls = app_or_404(app_key)
    link = link_or_404(request, app_key, link_id)
    with_app_urls([link], [link.object_sync])
    row = next(r for r in sync_rows(link.object_sync.connection)
               if r.sync.pk == link.object_sync_id)
    context = page_context(request, cls, link.object_sync.connection, link=link, row=row,
                           entries=queries.history_of(link), tab="records")
    template = "health/partials/history_body.html" if request.htmx else "health/history.html"
    return render(request, template, context)
