"""The pages of an app that signs in with a DSN: the connect form, and the account's
setup page (the delete-log SQL to copy, and which way deletes are found now)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from connectors.sdk import ConnectorError
from syncapp.accounts.decorators import portal_view
from syncapp.accounts.permissions import Permission
from syncapp.crm.schema import ObjectType
from syncapp.integrations import dsn
from syncapp.integrations.catalog import connector_class
from syncapp.integrations.connect import ConnectFailed
from syncapp.integrations.listing import app_card
from syncapp.integrations.models import Connection, ConnectionStatus

HUB_CHOICES = ("contact", "lead", "company", "deal", "product", "ticket")


def _dsn_app(app_key: str):
    try:
        cls = connector_class(app_key)
    except LookupError:
        raise Http404 from None
    if not dsn.signs_in_with_dsn(cls):
        raise Http404
    return cls


@require_http_methods(["GET", "POST"])
@portal_view(Permission.MARKETPLACE)
def connect_form(request, app_key: str):
    cls = _dsn_app(app_key)
    choice = {name: request.POST.get(name, "").strip() for name in dsn.CHOICE_FIELDS}
    error = ""
    if request.method == "POST":
        try:
            connection = dsn.connect(request, app_key, request.POST.get("dsn", ""), choice)
        except ConnectFailed as exc:
            error = str(exc)
        else:
            messages.success(request, _("%(app)s “%(account)s” is connected.") % {
                "app": cls.spec.name, "account": connection.account_name})
            return redirect("integrations:account_setup", app_key=app_key,
                            connection_id=connection.pk)
    context = {"app": app_card(cls), "example": cls.spec.auth.example, "choice": choice,
               "object_example": "public.users",
               "error": error, "hub_choices": [(key, ObjectType(key).label)
                                               for key in HUB_CHOICES]}
    # The DSN is never rendered back: after an error the person types it again.
    return render(request, "integrations/dsn_connect.html", context,
                  status=400 if error else 200)


def _account(request, app_key: str, connection_id: int) -> Connection:
    rows = Connection.objects.for_portal(request.portal).filter(app_key=app_key).exclude(
        status=ConnectionStatus.DISCONNECTED)
    return get_object_or_404(rows, pk=connection_id)


@require_http_methods(["GET"])
@portal_view(Permission.MARKETPLACE)
def account_setup(request, app_key: str, connection_id: int):
    cls = _dsn_app(app_key)
    connection = _account(request, app_key, connection_id)
    table = connection.account_extra.get("table") or {}
    context = {"app": app_card(cls), "connection": connection, "table": table,
               "setup_sql": cls.setup_sql(connection.account_extra),
               "deletes": connection.account_extra.get("deletes", "key_diff")}
    return render(request, "integrations/dsn_setup.html", context)


@require_POST
@portal_view(Permission.MARKETPLACE)
def check_deletes(request, app_key: str, connection_id: int):
    _dsn_app(app_key)
    connection = _account(request, app_key, connection_id)
    try:
        mode = dsn.refresh_deletes_mode(connection)
    except ConnectorError as exc:
        messages.error(request, _("The database could not be asked: %(reason)s") % {
            "reason": exc.message})
    else:
        messages.success(request, _("Deletes are read from the trigger's log.")
                         if mode == "trigger" else
                         _("No delete trigger found: deletes are found by the nightly key "
                           "comparison."))
    return redirect("integrations:account_setup", app_key=app_key, connection_id=connection_id)
