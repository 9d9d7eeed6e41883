"""App Marketplace, listing pages, the connect flow and the Integrations pages.

Everything about an app on these pages comes from its connector's spec: no view
branches on a vendor's name.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from connectors.sdk import Connector
from syncapp.accounts.decorators import portal_view
from syncapp.accounts.permissions import PERMISSION_LABELS, Permission
from syncapp.core import params
from syncapp.core.htmx import HtmxHttpRequest
from syncapp.integrations import budget, connect
from syncapp.integrations.catalog import api_usage, connector_class, installed
from syncapp.integrations.listing import app_card, search_apps
from syncapp.integrations.models import Connection, ConnectionStatus


def _app(app_key: str) -> type[Connector]:
    try:
        return connector_class(app_key)
    except LookupError:
        raise Http404 from None


def _can_install(request) -> bool:
    return request.membership.has(Permission.MARKETPLACE)


def _permission_context(request) -> dict:
    return {
        "can_install": _can_install(request),
        "missing_permission": PERMISSION_LABELS[Permission.MARKETPLACE],
    }


def _connections(request, app_key: str | None = None):
    rows = Connection.objects.for_portal(request.portal).exclude(
        status=ConnectionStatus.DISCONNECTED
    )
    return rows.filter(app_key=app_key) if app_key else rows


@require_GET
@portal_view()
def marketplace(request: HtmxHttpRequest):
    query = request.GET.get("q", "").strip()
    cards = [app_card(cls) for cls in search_apps(installed().values(), query)]
    context = {"cards": cards, "query": query, **_permission_context(request)}
    template = "integrations/partials/app_grid.html" if request.htmx else (
        "integrations/marketplace.html")
    return render(request, template, context)


@require_GET
@portal_view()
def listing(request, app_key: str):
    cls = _app(app_key)
    context = {
        "app": app_card(cls), "accounts": _connections(request, app_key),
        "dialog_open": request.GET.get("install") == "1", **_permission_context(request),
    }
    return render(request, "integrations/listing.html", context)


@require_GET
@cache_control(max_age=86400)
def logo(request, app_key: str):
    # The logo is the connector's own SVG (code, not user data), served as an image
    # so no template ever marks it safe; the CSP stops any script inside it.
    response = HttpResponse(_app(app_key).spec.logo, content_type="image/svg+xml")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_POST
@portal_view(Permission.MARKETPLACE)
def install(request, app_key: str):
    if _app(app_key).spec.auth.kind == "dsn":  # a form, not a vendor's consent page
        return redirect("integrations:dsn_connect", app_key=app_key)
    reconnect = None
    if request.POST.get("reconnect"):
        wanted = params.parse_id(request.POST["reconnect"], "reconnect")
        reconnect = get_object_or_404(_connections(request, app_key), pk=wanted)
    return redirect(connect.begin(request, app_key, reconnect))


@require_GET
@portal_view(Permission.MARKETPLACE)
def oauth_callback(request, app_key: str):
    cls = _app(app_key)
    try:
        connection = connect.complete(request, app_key, request.GET)
    except connect.ConnectFailed as exc:
        messages.error(request, str(exc))
        return redirect("integrations:app", app_key=app_key)
    messages.success(request, _("%(app)s account “%(account)s” is connected.")
                     % {"app": cls.spec.name, "account": connection.account_name})
    return redirect("integrations:app", app_key=app_key)


@require_GET
@portal_view()
def integrations_index(request):
    by_app: dict[str, list[Connection]] = {}
    for connection in _connections(request):
        by_app.setdefault(connection.app_key, []).append(connection)
    apps = installed()
    rows = [
        {"app": app_card(apps[key]), "accounts": accounts}
        for key, accounts in sorted(by_app.items()) if key in apps
    ]
    return render(request, "integrations/index.html", {"rows": rows,
                                                       **_permission_context(request)})


@require_GET
@portal_view()
def app_page(request, app_key: str):
    cls = _app(app_key)
    accounts = list(_connections(request, app_key))
    usage = api_usage(accounts)
    for account in accounts:
        account.api_usage = usage.get(account.pk)
    context = {
        "app": app_card(cls), "accounts": accounts, "reports_api_usage":
        cls.spec.reports_api_usage, "panel_open": request.GET.get("panel") == "accounts",
        **_permission_context(request),
    }
    return render(request, "integrations/app.html", context)


@require_POST
@portal_view(Permission.MARKETPLACE)
def disconnect(request, app_key: str, connection_id: int):
    connection = get_object_or_404(_connections(request, app_key), pk=connection_id)
    connect.disconnect(connection, request)
    messages.success(request, _("“%(account)s” is disconnected. Its sync history is kept.")
                     % {"account": connection.account_name})
    return redirect("integrations:app", app_key=app_key)


@require_POST
@portal_view(Permission.MARKETPLACE)
def api_budget(request, app_key: str, connection_id: int):
    if not _app(app_key).spec.reports_api_usage:
        raise Http404
    connection = get_object_or_404(_connections(request, app_key), pk=connection_id)
    share = budget.parse_share(request.POST.get(budget.FIELD))
    budget.set_share(request, connection, share)
    messages.success(request, _("Syncapp may now use %(share)s%% of %(app)s's daily API calls "
                                "for “%(account)s”.") % {
        "share": share, "app": _app(app_key).spec.name, "account": connection.account_name})
    return redirect("integrations:app", app_key=app_key)


@require_GET
@portal_view()
def import_export(request):
    return render(request, "integrations/import_export.html")


@require_GET
@portal_view()
def import_start(request: HtmxHttpRequest):
    query = request.GET.get("q", "").strip()
    cards = [app_card(cls) for cls in search_apps(installed().values(), query)]
    context = {"cards": cards, "query": query, "panel_open": request.GET.get("panel") == "sync"}
    template = "integrations/partials/sync_panel_results.html" if request.htmx else (
        "integrations/import_start.html")
    return render(request, template, context)
