"""The wizard's steps: choose an object, configure, limit, review and save.

(The Map fields step has its own module, mapping_views.) Every step is its own
URL; its form keeps the step in the draft (or the pending edit) and goes on.
"""

from dataclasses import replace

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from syncapp.accounts.decorators import portal_view
from syncapp.accounts.permissions import Permission
from syncapp.core import params
from syncapp.crm.identifier_table import TABLE, has_identifier
from syncapp.crm.schema import ObjectType
from syncapp.integrations.listing import app_card
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.integrations.texts import shown
from syncapp.syncs.configure import PERSON_TYPES
from syncapp.syncs.models import Matching, ObjectSync, SyncState
from syncapp.syncs.wizard import filters_panel, pages, preview, services, state
from syncapp.syncs.wizard.associations import association_rows
from syncapp.syncs.wizard.compat import MAX_MATCH_FIELDS
from syncapp.syncs.wizard.forms import ConfigureForm, LimitsForm, posted_match_rows
from syncapp.syncs.wizard.pages import app_class, get_sync, wizard_context
from syncapp.syncs.wizard.summary import sections
from syncapp.syncs.wizard.validate import Invalid

CONFIGURE = Permission.MARKETPLACE


# --- step 1: choose an object ----------------------------------------------------------


def _accounts(request, app_key: str):
    return Connection.objects.for_portal(request.portal).filter(app_key=app_key).exclude(
        status=ConnectionStatus.DISCONNECTED)


def _account(request, app_key: str, accounts):
    raw = request.POST.get("account") or request.GET.get("account")
    if not raw:
        return accounts.filter(status=ConnectionStatus.CONNECTED).first() or accounts.first()
    return get_object_or_404(accounts, pk=params.parse_id(raw, "account"))


def _object_choices(cls, connection):
    existing = {s.app_object: s for s in ObjectSync.objects.filter(connection=connection)}
    return [{"spec": o, "label": shown(o.label), "hub_label": ObjectType(o.hub_object).label,
             "existing": existing.get(o.name)} for o in cls.objects_for(connection.account_extra)]


@require_http_methods(["GET", "POST"])
@portal_view(CONFIGURE)
def choose(request, app_key: str):
    cls = app_class(app_key)
    accounts = _accounts(request, app_key)
    connection = _account(request, app_key, accounts)  # 404 for another portal's account
    if connection is None:
        messages.error(request, _("Connect a %(app)s account first.") % {"app": cls.spec.name})
        return redirect("integrations:app", app_key=app_key)
    choices = _object_choices(cls, connection)
    error = ""
    if request.method == "POST":
        chosen = next((c for c in choices if c["spec"].name == request.POST.get("object")), None)
        if chosen is None:
            error = _("Choose an object to sync.")
        elif chosen["existing"] is not None and chosen["existing"].state != SyncState.DRAFT:
            error = _("%(object)s already sync on this account: edit that sync instead.") % {
                "object": chosen["label"]}
        elif connection.status != ConnectionStatus.CONNECTED:
            error = _("This account needs reconnecting first (Actions → Manage accounts).")
        else:
            sync = services.start(connection, chosen["spec"].name)
            return redirect(pages.step_url(sync, "configure"))
    context = {"app": app_card(cls), "accounts": accounts, "connection": connection,
               "choices": choices, "error": error, "steps": pages.stepper(None, "object"),
               "chosen": request.POST.get("object", "")}
    return render(request, "syncs/wizard/object.html", context, status=400 if error else 200)


# --- step 2: configure -------------------------------------------------------------------


def _matching_choices(hub_object: str):
    if has_identifier(hub_object):
        return list(Matching.choices)
    return [(Matching.DEFAULT, _("Default settings (no identifier: always create)")),
            (Matching.CUSTOM, Matching.CUSTOM.label)]


def _lifecycle_options(catalogs, hub_object: str):
    prop = catalogs.hub_by_name.get("lifecyclestage")
    if hub_object not in PERSON_TYPES or prop is None:
        return None
    return prop.options


def _configure_form(sync, catalogs, data=None):
    settings = state.load(sync)
    options = _lifecycle_options(catalogs, sync.hub_object)
    initial = {name: getattr(settings, name) for name in (
        "direction", "winner", "matching", "default_lifecycle_stage")}
    directions = app_class(sync.connection.app_key).object_for(
        sync.connection.account_extra, sync.app_object).capabilities.directions
    form = ConfigureForm(data, initial=initial, catalogs=catalogs, directions=directions,
                         lifecycle_options=options or (), matching_choices=_matching_choices(
                             sync.hub_object), app_name=catalogs.app_name)
    return form, options


@require_http_methods(["GET", "POST"])
@portal_view(CONFIGURE)
def configure(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    catalogs = services.catalogs_for(sync)
    form, lifecycle = _configure_form(sync, catalogs, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def change(settings):
            return replace(
                settings, direction=data["direction"], winner=data["winner"],
                matching=data["matching"], match_fields=data["match_fields"],
                default_lifecycle_stage=data["default_lifecycle_stage"] if lifecycle else "")

        outcome = _commit(request, sync, change, catalogs)
        if outcome is not None:
            return outcome
    context = {**wizard_context(request, sync, "configure", catalogs), "form": form,
               "lifecycle": lifecycle, "identifier_table": TABLE,
               "match_rows": _match_rows(sync, request.POST if request.method == "POST"
                                         else None),
               "has_identifier": has_identifier(sync.hub_object)}
    status = 400 if request.method == "POST" else 200
    return render(request, "syncs/wizard/configure.html", context, status=status)


def _match_rows(sync, posted) -> list[tuple[str, str]]:
    """The "choose your fields" rows to show: the list (as posted, or as kept), then
    blank rows to add more, up to the limit."""
    rows = posted_match_rows(posted) if posted is not None else [
        tuple(pair) for pair in state.load(sync).match_fields]
    blanks = max(1, 3 - len(rows)) if len(rows) < MAX_MATCH_FIELDS else 0
    return rows + [("", "")] * blanks


def _commit(request, sync, change, catalogs, step: str = "configure", **checks):
    """Keep the step and go on (a redirect), or None to show the form again."""
    try:
        services.commit(sync, request.POST.get("token", ""), change, catalogs, **checks)
    except state.StaleForm:
        pages.stale(request)
        return redirect(pages.step_url(sync, step))
    except Invalid as exc:
        pages.refused(request, exc.message)
        return None
    sync.refresh_from_db()
    return redirect(pages.next_or_back(request, sync, step))


# --- step 4: limit -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@portal_view(CONFIGURE)
def limits(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    catalogs = services.catalogs_for(sync)
    person = sync.hub_object in PERSON_TYPES  # "only with an email" is theirs alone
    if request.method == "POST":
        form = LimitsForm(request.POST)
        if form.is_valid():
            email_only = form.cleaned_data["email_only"]
            outcome = _commit(request, sync, lambda s: replace(
                s, email_only=email_only if person else s.email_only), catalogs, step="limits")
            if outcome is not None:
                return outcome
    panel = request.GET.get("panel")
    context = {**wizard_context(request, sync, "limits", catalogs), "person": person,
               "panels": filters_panel.panels(sync, catalogs, open_side=panel)}
    return render(request, "syncs/wizard/limits.html", context)


@require_http_methods(["GET", "POST"])
@portal_view(CONFIGURE)
def filters(request, app_key: str, sync_id: int, side: str):
    if side not in ("hub", "app"):
        raise Http404
    sync = get_sync(request, app_key, sync_id)
    limits_url = pages.step_url(sync, "limits")
    if request.method == "GET":
        return redirect(f"{limits_url}?panel={side}")
    catalogs = services.catalogs_for(sync)
    panel = filters_panel.from_post(sync, catalogs, side, request.POST)
    if panel.done and panel.error is None:
        try:
            services.commit(sync, request.POST.get("token", ""),
                            lambda s: s.with_filters(side, panel.cleaned), catalogs,
                            filters=True)
        except state.StaleForm:
            pages.stale(request)
        except Invalid as exc:
            panel.error = exc.message
        else:
            messages.success(request, _("Limits updated."))
        if panel.error is None:
            return HttpResponseClientRedirect(limits_url) if request.htmx else redirect(
                limits_url)
    if request.htmx:
        return render(request, "syncs/wizard/partials/filter_panel.html",
                      {"panel": panel, "token": state.token(sync), "sync": sync})
    context = {**wizard_context(request, sync, "limits", catalogs),
               "person": sync.hub_object in PERSON_TYPES,
               "panels": filters_panel.panels(sync, catalogs, replacing=panel)}
    return render(request, "syncs/wizard/limits.html", context, status=400 if panel.error else 200)


# --- step 5: review, dry run, save -------------------------------------------------------


def _review_context(request, sync, catalogs) -> dict:
    context = wizard_context(request, sync, "review", catalogs)
    settings = context["settings"]
    cls = app_class(sync.connection.app_key)
    associations = association_rows(sync, cls, cls.spec.name)
    lifecycle = catalogs.hub_by_name.get("lifecyclestage")
    stage = dict(lifecycle.options).get(settings.default_lifecycle_stage, "") if (
        lifecycle) else ""
    context["sections"] = sections(settings, context["names"], context["labels"], str(stage),
                                   associations)
    return context


@require_http_methods(["GET"])
@portal_view(CONFIGURE)
def review(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    catalogs = services.catalogs_for(sync)
    context = {**_review_context(request, sync, catalogs), **preview_context(sync, catalogs)}
    return render(request, "syncs/wizard/review.html", context)


@require_http_methods(["GET"])
@portal_view(CONFIGURE)
def dry_run(request, app_key: str, sync_id: int):
    """The dry run alone (htmx polls it until a worker has computed it)."""
    sync = get_sync(request, app_key, sync_id)
    catalogs = services.catalogs_for(sync)
    context = {"sync": sync, **preview_context(sync, catalogs, fresh="fresh" in request.GET)}
    if request.htmx:
        return render(request, "syncs/wizard/partials/dry_run.html", context)
    return redirect(pages.step_url(sync, "review"))


def preview_context(sync, catalogs, *, fresh: bool = False) -> dict:
    labels = pages.labels_for(catalogs)
    result = preview.requested(sync, fresh=fresh)
    if result is None:
        return {"dry_run_pending": True, "app_name": catalogs.app_name}
    if isinstance(result, preview.Failed):
        return {"dry_run_error": result.message, "app_name": catalogs.app_name}
    return {"dry_run": result, "app_name": catalogs.app_name,
            "matched_rows": preview.rows(result.matched.samples, labels),
            "created_hub_rows": preview.rows(result.created_hub.samples, labels),
            "created_app_rows": preview.rows(result.created_app.samples, labels),
            "excluded_groups": preview.excluded_groups(result, labels),
            "failing_groups": preview.failing_groups(result, labels),
            "shared_values": preview.shared_values(result, labels),
            "excluded_total": result.excluded_total, "failing_total": result.failing_total}


@require_POST
@portal_view(CONFIGURE)
def save(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    catalogs = services.catalogs_for(sync)
    try:
        outcome = services.save(sync, request.POST.get("token", ""), catalogs,
                                confirmed_failures=request.POST.get("accept_failures", ""),
                                by=request)
    except state.StaleForm:
        pages.stale(request)
        return redirect(pages.step_url(sync, "review"))
    except services.FailuresNotConfirmed as exc:
        context = {**_review_context(request, sync, catalogs),
                   **preview_context(sync, catalogs), "confirm_error": exc.message}
        return render(request, "syncs/wizard/review.html", context, status=400)
    except Invalid as exc:
        pages.refused(request, exc.message)
        return redirect(pages.step_url(sync, "review"))
    if outcome == "started":
        messages.success(request, _("Saved. The initial sync has started."))
    else:
        messages.success(request, _("Settings saved. They apply from the next run."))
    return redirect("syncs:detail", app_key=app_key, sync_id=sync.pk)


@require_POST
@portal_view(CONFIGURE)
def discard(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    if services.discard(sync) == "draft":
        messages.success(request, _("The unfinished sync setup was discarded."))
        return redirect("integrations:app", app_key=app_key)
    messages.success(request, _("Your unsaved changes were discarded."))
    return redirect("syncs:detail", app_key=app_key, sync_id=sync.pk)

