"""CRM pages: lists, record pages, forms and property settings.

Views stay thin: they read through crm.queries, write through crm.services (so every
write is logged), and look every record up inside request.portal — an id from
another portal is a 404 whether it arrives in the URL or in a form field.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from syncapp.accounts.decorators import portal_view
from syncapp.core import params
from syncapp.core.htmx import HtmxHttpRequest
from syncapp.crm import queries
from syncapp.crm.forms import (
    AssociationForm,
    CustomPropertyForm,
    ListParams,
    RecordForm,
    group_label,
)
from syncapp.crm.models import Record
from syncapp.crm.properties import create_custom_property
from syncapp.crm.schema import LIST_COLUMNS, SINGULAR, ObjectType
from syncapp.crm.services import (
    Actor,
    RecordInvalid,
    archive_record,
    associate,
    create_record,
    dissociate,
    restore_record,
    update_record,
)

LIST_TARGET = "record-table"
PICKER_TARGET = "association-picker"


@portal_view()
def home(request):
    """The signed-in home page is the contact list."""
    return redirect("crm:list", object_type="contact")


def _partial(request: HtmxHttpRequest, target: str) -> bool:
    """True when htmx asks for just one part of the page (never on a history restore)."""
    htmx = request.htmx
    return bool(htmx) and not htmx.history_restore_request and htmx.target == target


def _type_context(object_type: str) -> dict:
    return {
        "object_type": object_type,
        "type_label": ObjectType(object_type).label,
        "singular": SINGULAR[object_type],
    }


def _get_record(request, object_type: str, record_id: int) -> Record:
    records = Record.objects.for_portal(request.portal).filter(object_type=object_type)
    return get_object_or_404(records, pk=record_id)


def _actor(request) -> Actor:
    return Actor(user=request.user)


def _next_or(request, fallback: str) -> str:
    return params.local_path(request.POST.get("next"), request) or fallback


def _record_url(record: Record) -> str:
    return reverse("crm:detail", args=[record.object_type, record.pk])


def _name(record: Record) -> str:
    return str(record)


# --- lists ---------------------------------------------------------------------------


@portal_view()
@require_GET
@vary_on_headers("HX-Request")
def record_list(request, object_type):
    shown = ListParams.from_query(request.GET)
    page = queries.list_page(
        request.portal, object_type, query=shown.query, sort=shown.sort,
        direction=shown.direction, after=shown.after or None, archived=shown.deleted,
        from_sync=shown.from_sync,
    )
    definitions = {d.name: d for d in queries.definitions_for(request.portal, object_type)}
    context = {
        **_type_context(object_type),
        "params": shown,
        "page": page,
        "columns": [definitions[n] for n in LIST_COLUMNS[object_type] if n in definitions],
        "sort_links": shown.sort_links(),
        "next_query": shown.querystring(after=page.next_after) if page.next_after else "",
        "first_query": shown.querystring(after="") if shown.after else "",
    }
    if _partial(request, LIST_TARGET):
        return render(request, "crm/partials/list_table.html", context)
    return render(request, "crm/list.html", context)


# --- the record page ---------------------------------------------------------------------


def _property_groups(definitions, record: Record) -> list[tuple[str, list]]:
    grouped: dict[str, list] = {}
    for definition in definitions:
        value = record.properties.get(definition.name)
        grouped.setdefault(definition.group, []).append((definition, value))
    return [(str(group_label(group)), rows) for group, rows in grouped.items()]


def _picker_context(request, record: Record) -> dict:
    types = queries.associable_types(record.object_type)
    chosen = request.GET.get("add", "")
    chosen = chosen if chosen in types else (types[0] if types else "")
    find = params.text(request.GET.get("find", ""), "find")[:100]
    candidates = queries.association_candidates(record, chosen, find) if chosen else []
    return {
        "picker_types": [(t, ObjectType(t).label) for t in types],
        "picker_type": chosen,
        "picker_find": find,
        "candidates": candidates,
        "candidate_limit": queries.CANDIDATE_LIMIT,
    }


@portal_view()
@require_GET
@vary_on_headers("HX-Request")
def record_detail(request, object_type, record_id):
    record = _get_record(request, object_type, record_id)
    context = {**_type_context(object_type), "record": record, **_picker_context(request, record)}
    if _partial(request, PICKER_TARGET):
        return render(request, "crm/partials/association_picker.html", context)
    definitions = queries.definitions_for(request.portal, object_type)
    context.update(
        groups=_property_groups(definitions, record),
        associations=queries.associations_of(record),
        history=queries.record_history(record, definitions),
    )
    return render(request, "crm/record_detail.html", context)


# --- create and edit -----------------------------------------------------------------------


def _render_form(request, object_type, form, record=None):
    context = {**_type_context(object_type), "form": form, "record": record}
    refused = form.is_bound and bool(form.errors)  # each field's message is on the form
    return render(request, "crm/record_form.html", context, status=400 if refused else 200)


@portal_view()
@require_http_methods(["GET", "POST"])
def record_create(request, object_type):
    definitions = queries.definitions_for(request.portal, object_type)
    form = RecordForm(definitions, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = create_record(request.portal, object_type, form.values(), _actor(request))
        except RecordInvalid as exc:
            form.add_service_errors(exc.errors)
        else:
            messages.success(request, _("Created %(name)s.") % {"name": _name(record)})
            return redirect(_record_url(record))
    return _render_form(request, object_type, form)


@portal_view()
@require_http_methods(["GET", "POST"])
def record_edit(request, object_type, record_id):
    record = _get_record(request, object_type, record_id)
    if record.is_archived:
        messages.error(request, _("This record is deleted. Restore it to edit it."))
        return redirect(_record_url(record))
    definitions = queries.definitions_for(request.portal, object_type)
    form = RecordForm(definitions, request.POST or None, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            changes = update_record(record, form.values(), _actor(request))
        except RecordInvalid as exc:
            form.add_service_errors(exc.errors)
        else:
            message = _("Saved %(name)s.") if changes else _("No changes to %(name)s.")
            record.refresh_from_db()
            messages.success(request, message % {"name": _name(record)})
            return redirect(_record_url(record))
    return _render_form(request, object_type, form, record)


# --- delete and restore ------------------------------------------------------------------


@portal_view()
@require_POST
def record_delete(request, object_type, record_id):
    record = _get_record(request, object_type, record_id)
    archive_record(record, _actor(request))
    # The message carries its Undo target; base.html renders it as a POST button.
    undo = reverse("crm:restore", args=[object_type, record.pk])
    messages.success(request, _("Deleted %(name)s.") % {"name": _name(record)},
                     extra_tags=f"undo:{undo}")
    return redirect("crm:list", object_type=object_type)


@portal_view()
@require_POST
def record_restore(request, object_type, record_id):
    record = _get_record(request, object_type, record_id)
    try:
        restore_record(record, _actor(request))
    except RecordInvalid as exc:
        messages.error(request, " ".join(str(m) for m in exc.errors.values()))
    else:
        messages.success(request, _("Restored %(name)s.") % {"name": _name(record)})
    return redirect(_next_or(request, _record_url(record)))


# --- associations ------------------------------------------------------------------------


@portal_view()
@require_POST
def association_add(request, object_type, record_id):
    record = _get_record(request, object_type, record_id)
    form = AssociationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a record to associate."))
        return redirect(_record_url(record))
    other = get_object_or_404(
        Record.objects.for_portal(request.portal).live(), pk=form.cleaned_data["record"]
    )
    try:
        associate(record, other, _actor(request))
    except RecordInvalid as exc:
        messages.error(request, " ".join(str(m) for m in exc.errors.values()))
    else:
        messages.success(request, _("Associated %(name)s.") % {"name": _name(other)})
    return redirect(_record_url(record))


@portal_view()
@require_POST
def association_remove(request, object_type, record_id, other_id):
    record = _get_record(request, object_type, record_id)
    other = get_object_or_404(Record.objects.for_portal(request.portal), pk=other_id)
    try:
        dissociate(record, other, _actor(request))
    except RecordInvalid as exc:
        messages.error(request, " ".join(str(m) for m in exc.errors.values()))
    else:
        messages.success(request, _("Removed the association with %(name)s.")
                         % {"name": _name(other)})
    return redirect(_record_url(record))


# --- settings: properties ------------------------------------------------------------------


@portal_view()
@require_http_methods(["GET", "POST"])
def property_settings(request, object_type):
    can_add = request.membership.is_super_admin
    form = CustomPropertyForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            context = {"missing_permission": _("Super admin")}
            return render(request, "accounts/permission_denied.html", context, status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                definition = create_custom_property(
                    request.portal, object_type, label=data["label"], name=data["name"],
                    kind=data["type"], options_text=data["options"],
                )
            except RecordInvalid as exc:
                form.add_service_errors(exc.errors)
            else:
                messages.success(request, _("Added the property %(label)s.")
                                 % {"label": definition.display_label})
                return redirect("crm:properties", object_type=object_type)
    context = {
        **_type_context(object_type),
        "definitions": queries.definitions_for(request.portal, object_type),
        "form": form,
        "can_add": can_add,
    }
    return render(request, "crm/properties.html", context)
