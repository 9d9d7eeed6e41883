"""Syncs as code on the pages: download a sync's (or an account's) config, and apply one.

Applying takes two posts: "check" reads the file and shows the plan (what changes,
field by field) with its dry run; "apply" sends the same text back with the plan's
fingerprint, and the plan is made again against the syncs as they are now: if it is
not the one that was shown, nothing is applied and the page says why.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from syncapp.accounts.decorators import portal_view
from syncapp.accounts.permissions import Permission
from syncapp.core.params import BadParam
from syncapp.integrations.listing import app_card
from syncapp.integrations.models import Connection
from syncapp.syncs import config
from syncapp.syncs.config.applying import STALE
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.wizard.pages import app_class, get_sync, step_url

CONTENT_TYPES = {"yaml": "application/yaml; charset=utf-8",
                 "json": "application/json; charset=utf-8"}


def _format(request) -> str:
    fmt = request.GET.get("format", "yaml")
    if fmt not in config.FORMATS:
        raise BadParam("format", _("Choose the file's format: yaml or json."))
    return fmt


def _download(doc: dict, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(config.dump(doc, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _connection(request, app_key: str, connection_id: int) -> Connection:
    """The portal's account of `app_key`, or 404 (never another portal's)."""
    app_class(app_key)
    return get_object_or_404(Connection.objects.for_portal(request.portal),
                             pk=connection_id, app_key=app_key)


@require_GET
@portal_view()
def export_sync(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    fmt = _format(request)
    return _download(config.export_document(sync), fmt,
                     f"syncapp-{app_key}-{sync.app_object}")


@require_GET
@portal_view()
def export_connection(request, app_key: str, connection_id: int):
    connection = _connection(request, app_key, connection_id)
    fmt = _format(request)
    syncs = ObjectSync.objects.filter(connection=connection).select_related(
        "connection").order_by("id")
    doc = config.export_document(syncs, app=app_key)
    return _download(doc, fmt, f"syncapp-{app_key}-{connection.account_id}")


def _submitted_text(request) -> tuple[str | bytes, str]:
    """The file's text and format: an uploaded file, else the pasted text."""
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > config.MAX_BYTES:
            raise config.ConfigError("", _("The file is larger than %(limit)s KB: nothing "
                                           "was read.") % {"limit": config.MAX_BYTES // 1024})
        return upload.read(), config.format_of(upload.name)
    fmt = request.POST.get("format", "yaml")
    if fmt not in config.FORMATS:
        raise config.ConfigError("", _("Choose the file's format: yaml or json."))
    text = request.POST.get("document", "")
    if not text.strip():
        raise config.ConfigError("", _("Choose a file, or paste its text."))
    return text, fmt


@require_http_methods(["GET", "POST"])
@portal_view(Permission.MARKETPLACE)
def apply_config(request, app_key: str, connection_id: int):
    connection = _connection(request, app_key, connection_id)
    context = {"app": app_card(app_class(app_key)), "connection": connection,
               "formats": config.FORMATS}
    if request.method == "GET":
        return render(request, "syncs/config/apply.html", context)
    try:
        raw, fmt = _submitted_text(request)
        doc = config.load(raw, fmt)
        the_plan = config.plan(request.portal, connection, doc)
    except config.ConfigError as exc:
        context["error"] = exc
        return render(request, "syncs/config/apply.html", context, status=400)
    text = raw.decode() if isinstance(raw, bytes) else raw
    context.update({"plan": the_plan, "document": text, "format": fmt})
    if request.POST.get("step") == "apply":
        return _apply(request, the_plan, context)
    context["dry_runs"] = config.dry_runs(the_plan) if the_plan.changed else {}
    return render(request, "syncs/config/apply.html", context)


def _apply(request, the_plan, context):
    """Apply the plan shown, if it is still the plan; else show the new one (409)."""
    try:
        if request.POST.get("fingerprint") != the_plan.fingerprint:
            raise config.StalePlan("", STALE)
        result = config.apply(the_plan, by=request)
    except config.ConfigError as exc:
        stale = isinstance(exc, config.StalePlan)
        context.update({"error": exc, "dry_runs": config.dry_runs(the_plan) if stale else {}})
        return render(request, "syncs/config/apply.html", context, status=409 if stale else 400)
    messages.success(request, _("Config applied: %(updated)s updated, %(unchanged)s "
                                "unchanged.") % {"updated": len(result.updated),
                                                 "unchanged": len(result.unchanged)})
    for sync in result.created:
        messages.info(request, _("The %(object)s sync was created as a draft: check its dry "
                                 "run and press Save and sync to start it.")
                      % {"object": sync.app_object})
    if len(result.created) == 1 and not result.updated:
        return redirect(step_url(result.created[0], "review"))
    if result.created:
        messages.info(request, ngettext("%(count)s draft waits for Save and sync.",
                                        "%(count)s drafts wait for Save and sync.",
                                        len(result.created)) % {"count": len(result.created)})
    return redirect("integrations:app", app_key=context["app"].key)
