"""Step 3, Map your fields: toggles and conflict rules, Add a mapping, custom mappings
on/off, associations.

The page is one form (Next keeps every toggle); with htmx each toggle, the menus
and the association view update the mapping area alone.
"""

from dataclasses import replace

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from syncapp.accounts.decorators import portal_view
from syncapp.accounts.permissions import Permission
from syncapp.syncs.wizard import pages, services, state
from syncapp.syncs.wizard.associations import association_rows
from syncapp.syncs.wizard.compat import pair_rule, rules_table
from syncapp.syncs.wizard.mapping_rows import add_panel, mapping_rows, posted_value_map
from syncapp.syncs.wizard.pages import app_class, get_sync, wizard_context
from syncapp.syncs.wizard.state import MappingChoice
from syncapp.syncs.wizard.validate import Invalid

CONFIGURE = Permission.MARKETPLACE
AREA = "syncs/wizard/partials/mapping_area.html"


def _area_context(request, sync, catalogs, *, panel=None, notice: str = "") -> dict:
    context = wizard_context(request, sync, "mappings", catalogs)
    settings = context["settings"]
    view = request.GET.get("view", "all")
    cls = app_class(sync.connection.app_key)
    show_add = panel is not None or request.GET.get("add") == "1"
    if show_add and panel is None:
        panel = _panel(settings, catalogs, request.GET)
    return {
        **context, "view": view if view in ("all", "associations") else "all",
        "rows": mapping_rows(settings, catalogs.app_by_name, catalogs.hub_by_name,
                             catalogs.app_name),
        "associations": association_rows(sync, cls, cls.spec.name),
        "panel": panel if show_add else None, "rules": rules_table(), "notice": notice,
    }


def _panel(settings, catalogs, data, error: str = ""):
    panel = add_panel(settings, catalogs.app.mappable, catalogs.hub,
                      app_field=data.get("app_field", ""),
                      hub_property=data.get("hub_property", ""), app_name=catalogs.app_name,
                      posted_map=posted_value_map(data, keep_empty=True) if "vm-app-0" in data
                      else None)
    panel.error = error
    return panel


def _area(request, sync, catalogs, **extra):
    sync.refresh_from_db()
    return render(request, AREA, _area_context(request, sync, catalogs, **extra))


@require_http_methods(["GET", "POST"])
@portal_view(CONFIGURE)
def mappings(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    catalogs = services.catalogs_for(sync)
    if request.method == "POST":
        enabled = set(request.POST.getlist("enabled"))
        toggles = "toggles" in request.POST  # the table was on the page (not associations)

        def change(settings):
            for mapping in settings.mappings if toggles else ():
                mapping.enabled = mapping.key in enabled
                # Each row's conflict rule menu; checked whole by field_rules.
                mapping.conflict_rule = request.POST.get(f"rule-{mapping.key}",
                                                         mapping.conflict_rule)
            return settings

        error = _commit(request, sync, change, catalogs)
        if error is None and not request.htmx:
            return redirect(pages.next_or_back(request, sync, "mappings"))
        if error not in (None, STALE):
            pages.refused(request, error)
        if error == STALE and not request.htmx:
            return redirect(pages.step_url(sync, "mappings"))
    if request.htmx:
        return _area(request, sync, catalogs)
    context = _area_context(request, sync, catalogs)
    status = 400 if request.method == "POST" else 200
    return render(request, "syncs/wizard/mappings.html", context, status=status)


STALE = "stale"


def _commit(request, sync, change, catalogs) -> str | None:
    """Keep a change of the mappings: None when kept, else why not (STALE: shown already)."""
    try:
        services.commit(sync, request.POST.get("token", ""), change, catalogs, mappings=True)
    except state.StaleForm:
        pages.stale(request)
        return STALE
    except Invalid as exc:
        return exc.message
    sync.refresh_from_db()
    return None


def _answer(request, sync, catalogs, error: str | None, notice: str):
    """After a small change (add, remove, toggle all): the area, or the page again."""
    if error is None:
        if request.htmx:
            return _area(request, sync, catalogs, notice=notice)
        messages.success(request, notice)
    elif error != STALE:
        pages.refused(request, error)
        if request.htmx:
            return _area(request, sync, catalogs)
    return redirect(pages.step_url(sync, "mappings"))


@require_http_methods(["GET", "POST"])
@portal_view(CONFIGURE)
def mapping_add(request, app_key: str, sync_id: int):
    """GET: the Add a mapping menus for a choice; POST (Update): add the mapping."""
    sync = get_sync(request, app_key, sync_id)
    catalogs = services.catalogs_for(sync)
    if request.method == "GET":
        if not request.htmx:
            return redirect(pages.step_url(sync, "mappings") + "?add=1&" + request.GET.urlencode())
        panel = _panel(state.load(sync), catalogs, request.GET)
        return render(request, "syncs/wizard/partials/mapping_add.html",
                      _area_context(request, sync, catalogs, panel=panel))
    try:
        mapping = _new_mapping(sync, catalogs, request.POST.get("app_field", ""),
                               request.POST.get("hub_property", ""), request.POST)
        error = _commit(request, sync, lambda s: replace(s, mappings=[*s.mappings, mapping]),
                        catalogs)
    except Invalid as exc:
        error = exc.message
    if error is None or error == STALE:
        return _answer(request, sync, catalogs, error, _("Mapping added."))
    panel = _panel(state.load(sync), catalogs, request.POST, error=error)
    context = _area_context(request, sync, catalogs, panel=panel)
    if request.htmx:
        return render(request, AREA, context)
    return render(request, "syncs/wizard/mappings.html", context, status=400)


def _new_mapping(sync, catalogs, app_field: str, hub_property: str, post) -> MappingChoice:
    app = catalogs.app_by_name.get(app_field)
    hub = catalogs.hub_by_name.get(hub_property)
    if app is None or hub is None:
        raise Invalid(_("Choose a field of each side. (A property deleted meanwhile can't be "
                        "mapped: reload the page to see the current ones.)"))
    settings = state.load(sync)
    if settings.mapping(f"{app_field}|{hub_property}") is not None:
        raise Invalid(_("“%(app)s” is already mapped to “%(hub)s”: turn that mapping on "
                        "instead.") % {"app": app.label, "hub": hub.label})
    rule = pair_rule(app, hub, catalogs.app_name)
    if not rule.allowed:
        raise Invalid(rule.reason)
    value_map = posted_value_map(post) if rule.needs_value_map else {}
    return MappingChoice(app_field, hub_property, rule.direction, enabled=True, required=False,
                         is_default=False, value_map=value_map)


@require_POST
@portal_view(CONFIGURE)
def mapping_remove(request, app_key: str, sync_id: int):
    sync = get_sync(request, app_key, sync_id)
    catalogs = services.catalogs_for(sync)
    key = request.POST.get("key", "")

    def change(settings):
        mapping = settings.mapping(key)
        if mapping is None:
            raise Invalid(_("That mapping no longer exists."))
        if mapping.is_default:
            raise Invalid(_("Default mappings can't be removed: turn them off instead."))
        return replace(settings, mappings=[m for m in settings.mappings if m.key != key])

    error = _commit(request, sync, change, catalogs)
    return _answer(request, sync, catalogs, error, _("Mapping removed."))


@require_POST
@portal_view(CONFIGURE)
def custom_mappings(request, app_key: str, sync_id: int):
    """The toggle that turns every custom mapping off (or back on)."""
    sync = get_sync(request, app_key, sync_id)
    catalogs = services.catalogs_for(sync)
    turn_on = request.POST.get("custom_mappings_on") == "on"
    notice = _("Custom mappings are on.") if turn_on else _("Custom mappings are off.")
    error = _commit(request, sync, lambda s: replace(s, custom_mappings_on=turn_on), catalogs)
    return _answer(request, sync, catalogs, error, notice)
