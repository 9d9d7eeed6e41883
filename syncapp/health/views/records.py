"""The record view: filters, columns kept per user, exports, and restoring deleted records."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling

from syncapp.accounts.decorators import portal_view
from syncapp.accounts.permissions import Permission
from syncapp.core import params
from syncapp.core.htmx import HtmxHttpRequest
from syncapp.health import columns as cols
from syncapp.health import export_start, exports, repair, repair_start
from syncapp.health.models import ACTIVE, ExportFormat, ExportJob, RepairJob
from syncapp.health.overview import sync_rows
from syncapp.health.records import PERIOD_LABELS, STATUSES, parse_filter, record_page
from syncapp.health.views.common import (
    app_or_404,
    chosen_connection,
    page_context,
    with_app_urls,
)
from syncapp.health.views.objects import _start_restore
from syncapp.syncs.models import Link

VIEW = Permission.VIEW_HEALTH
SUPPORT = Permission.SUPPORT
REVIEW_LIMIT = 200


def _setup(request, app_key: str, params) -> tuple:
    cls = app_or_404(app_key)
    accounts, connection = chosen_connection(request, app_key)
    rows = sync_rows(connection) if connection else []
    flt = parse_filter(params, [r.sync.pk for r in rows])
    context = page_context(request, cls, connection, accounts, tab="records", rows=rows,
                           flt=flt, statuses=STATUSES, periods=PERIOD_LABELS,
                           sync_labels={r.sync.pk: r.label for r in rows})
    return connection, rows, flt, context


def records_url(app_key: str, connection, **params) -> str:
    query = {"account": connection.pk, **{k: v for k, v in params.items() if v}}
    return reverse("health:records", args=[app_key]) + "?" + urlencode(query)


@require_GET
@portal_view(VIEW)
def records(request: HtmxHttpRequest, app_key: str):
    connection, rows, flt, context = _setup(request, app_key, request.GET)
    columns = cols.chosen_columns(request.user, request.portal)
    context.update(columns=columns, all_columns=cols.COLUMNS, formats=ExportFormat.choices,
                   panel=request.GET.get("panel", ""))
    if connection is not None and not flt.errors:
        page = record_page(request.portal, flt, request.GET.get("after"))
        with_app_urls(page.links, [r.sync for r in rows])
        context["page"] = page
        context["table_rows"] = cols.display_rows(page.links, columns, context["app"].name,
                                                  context["sync_labels"])
        context["filter_query"] = urlencode({"account": connection.pk, **flt.as_params()})
    if connection is not None:
        context["exports"] = ExportJob.objects.for_portal(request.portal).filter(
            connection=connection, requested_by=request.user).order_by("-id")[:1]
        context["jobs"] = RepairJob.objects.for_portal(request.portal).filter(
            object_sync__connection=connection).order_by("-id")[:1]
        if context["panel"] == "restore":
            context.update(_restore_review(request, connection))
    template = "health/partials/record_table.html" if request.htmx else "health/records.html"
    # A bad filter re-renders the page with each field's message, and says so (400).
    return render(request, template, context, status=400 if flt.errors else 200)


@require_POST
@portal_view(VIEW)
def save_columns(request, app_key: str):
    connection, _rows, flt, _context = _setup(request, app_key, request.POST)
    if connection is None:
        raise Http404
    filters = {} if flt.errors else flt.as_params()  # the same records, with the new columns
    try:
        chosen = cols.parse_columns(request.POST.getlist("column"),
                                    {name: request.POST.get(f"position_{name}", "")
                                     for name in cols.COLUMNS})
    except cols.UnknownColumn as exc:
        messages.error(request, str(exc))
        return redirect(records_url(app_key, connection, panel="columns", **filters))
    cols.save_columns(request.user, request.portal, chosen)
    messages.success(request, _("Columns saved. They are kept for you on every app."))
    return redirect(records_url(app_key, connection, **filters))


def refuse_bad_filter(flt) -> None:
    """An action on filtered records is refused whole when a filter is bad."""
    for field, message in flt.errors.items():
        raise params.BadParam(field, message)


@require_POST
@portal_view(VIEW)
def export(request, app_key: str):
    connection, _rows, flt, _context = _setup(request, app_key, request.POST)
    if connection is None:
        raise Http404
    back = records_url(app_key, connection, **flt.as_params())
    refuse_bad_filter(flt)
    fmt = request.POST.get("format", "")
    if fmt not in ExportFormat.values:
        messages.error(request, _("Choose CSV or Excel, and check the filters."))
        return redirect(back)
    if not export_start.any_matching(request.portal, flt):
        messages.warning(request, _("Nothing to export: no record matches these filters."))
        return redirect(back)
    export_start.start_export(request.portal, connection, request.user, fmt=fmt, flt=flt,
                         columns=cols.chosen_columns(request.user, request.portal),
                         by=request)
    messages.success(request, _("Your export is being built. We will e-mail it to %(email)s; "
                                "it also appears here when it is ready.")
                     % {"email": request.user.email or request.user.get_username()})
    return redirect(back)


@require_GET
@portal_view(VIEW)
def export_status(request: HtmxHttpRequest, app_key: str, export_id: int):
    job = get_object_or_404(ExportJob.objects.for_portal(request.portal), pk=export_id,
                            requested_by=request.user, connection__app_key=app_key)
    template, context = "health/partials/export_status.html", {"export": job, "app_key": app_key}
    if request.htmx and job.status not in ACTIVE:
        return HttpResponseStopPolling(render_to_string(template, context, request))
    return render(request, template, context)


@require_GET
@portal_view(VIEW)
def export_download(request, app_key: str, export_id: int):
    job = get_object_or_404(ExportJob.objects.for_portal(request.portal), pk=export_id,
                            requested_by=request.user, connection__app_key=app_key,
                            status="done")
    path = exports.export_path(job)
    if not job.file_name or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)


def _restore_choice(request, rows) -> tuple:
    """(object sync, target, errors) from the Restore panel's two menus."""
    errors = {}
    by_id = {str(r.sync.pk): r.sync for r in rows}
    sync = by_id.get(request.GET.get("sync") or request.POST.get("sync", ""))
    target = request.GET.get("target") or request.POST.get("target", "")
    if sync is None:
        errors["sync"] = _("Choose a record type.")
    if target not in repair.DELETED_STATUS:
        errors["target"] = _("Choose the app to recreate the records in.")
    return sync, target, errors


def _restore_review(request, connection) -> dict:
    rows = sync_rows(connection)
    if "review" not in request.GET:
        return {"restore_rows": rows}
    sync, target, errors = _restore_choice(request, rows)
    context = {"restore_rows": rows, "restore_errors": errors, "restore_sync": sync,
               "restore_target": target}
    if not errors:
        links = Link.objects.for_portal(request.portal).filter(
            object_sync=sync, status__in=repair.RESTORABLE[target]).order_by("id")
        context.update(review=list(links[:REVIEW_LIMIT]), review_total=links.count(),
                       gone_on_both_sides=repair_start.gone_on_both_sides(sync))
    return context


@require_POST
@portal_view(SUPPORT)
def restore(request, app_key: str):
    app_or_404(app_key)
    _accounts, connection = chosen_connection(request, app_key)
    if connection is None:
        raise Http404
    sync, target, errors = _restore_choice(request, sync_rows(connection))
    if errors:
        messages.error(request, " ".join(errors.values()))
        return redirect(records_url(app_key, connection, panel="restore"))
    _start_restore(request, sync, target)
    return redirect(records_url(app_key, connection))
