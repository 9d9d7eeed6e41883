"""Undo this run: the review, the confirmation (POST), and the undo's progress and result.

Support staff and super admins undo (Permission.SUPPORT); the work is a Celery task
(syncs/undo_start.py starts it, syncs/run/undo.py works it off), and this page polls
its progress until it has finished.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseStopPolling

from syncapp.accounts.decorators import portal_view
from syncapp.accounts.permissions import Permission
from syncapp.integrations.listing import app_card
from syncapp.syncs import undo_start
from syncapp.syncs.models import HistoryEntry, Run, RunStatus
from syncapp.syncs.run import undo_plan
from syncapp.syncs.wizard.fields import cached_app_fields, hub_properties
from syncapp.syncs.wizard.pages import app_class, get_sync, names_for

LISTED = 200  # records listed in a result; the counts cover them all


def _run(request, app_key: str, sync_id: int, run_id: int):
    """The run, in the request's portal and of that sync, else 404."""
    sync = get_sync(request, app_key, sync_id)
    return sync, get_object_or_404(Run, pk=run_id, object_sync=sync, portal=request.portal)


def _labels(sync) -> dict[tuple[str, str], str]:
    labels = {("hub", p.name): str(p.label) for p in hub_properties(sync.portal, sync.hub_object)}
    labels.update({("app", f.name): str(f.label)
                   for f in cached_app_fields(sync.connection, sync.app_object)})
    return labels


def _rows(review: undo_plan.Review, labels: dict) -> list[dict]:
    """The review's records as the page lists them, fields by their labels."""
    def label(side: str, name: str) -> str:
        return labels.get((side, name), name)

    rows = []
    for record in review.records:
        rows.append({
            "name": record.name, "remove": record.remove, "skipped": record.skipped,
            "back": [(side, label(side, name), record.expect[side][name], old)
                     for side in ("hub", "app") for name, old in record.back[side].items()],
            "conflicts": [(c.side, label(c.side, c.field), c.wrote, c.now)
                          for c in record.conflicts],
        })
    return rows


def _context(request, sync, run) -> dict:
    cls = app_class(sync.connection.app_key)
    current = run.undos.exclude(status=RunStatus.FAILED).order_by("-id").first()
    context = {"app": app_card(cls), "sync": sync, "run": run, "names": names_for(sync, cls),
               "undo_run": current}
    if current is not None:
        context.update(_result(current))
        return context
    review = undo_plan.review(run)
    context.update(review=review, rows=_rows(review, _labels(sync)),
                   refusal=undo_start.refusal(run))
    return context


def _result(undo_run: Run) -> dict:
    """What an undo did: its counts, and the records it left alone or could not do."""
    left = (HistoryEntry.objects.filter(run=undo_run, portal_id=undo_run.portal_id,
                                        actions__overlap=["conflict", "skipped", "failed"])
            .select_related("link").order_by("id")[:LISTED])
    finished = undo_run.status != RunStatus.RUNNING
    total = undo_run.estimated_total or 0
    done = min(total, _done(undo_run)) if total else 0
    return {"left_alone": list(left), "finished": finished,
            "percent": 100 if finished or not total else int(100 * done / total)}


def _done(undo_run: Run) -> int:
    counts = undo_run.counts
    return sum(counts.get(key, 0) for key in ("put_back", "archived_hub", "deleted_app",
                                               "kept_in_app", "skipped"))


@require_http_methods(["GET", "POST"])
@portal_view(Permission.SUPPORT)
def undo_run(request, app_key: str, sync_id: int, run_id: int):
    sync, run = _run(request, app_key, sync_id, run_id)
    if request.method == "POST":
        try:
            undo_start.start(run, request)
        except undo_start.UndoRefused as refused:
            context = _context(request, sync, run)
            context["refusal"] = refused.message
            return render(request, "syncs/undo.html", context, status=409)
        messages.success(request, _("The undo has started: the values go back as it works "
                                    "through the run's records."))
        return redirect("syncs:undo", app_key=app_key, sync_id=sync.pk, run_id=run.pk)
    return render(request, "syncs/undo.html", _context(request, sync, run))


@require_GET
@portal_view(Permission.SUPPORT)
def undo_status(request, app_key: str, sync_id: int, run_id: int):
    sync, run = _run(request, app_key, sync_id, run_id)
    if not request.htmx:
        return redirect("syncs:undo", app_key=app_key, sync_id=sync.pk, run_id=run.pk)
    context = _context(request, sync, run)
    template = "syncs/partials/undo_status.html"
    if context.get("finished", True):
        return HttpResponseStopPolling(render_to_string(template, context, request))
    return render(request, template, context)
