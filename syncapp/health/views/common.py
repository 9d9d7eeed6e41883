"""What every health page needs: the app, the chosen account, the portal's scope."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from connectors.sdk import Connector
from syncapp.accounts.permissions import Permission
from syncapp.integrations.catalog import app_record_url, connector_class
from syncapp.integrations.listing import app_card
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.syncs.models import Link, ObjectSync


def app_or_404(app_key: str) -> type[Connector]:
    try:
        return connector_class(app_key)
    except LookupError:
        raise Http404 from None


def connections_of(request, app_key: str):
    return Connection.objects.for_portal(request.portal).filter(app_key=app_key).exclude(
        status=ConnectionStatus.DISCONNECTED).order_by("account_name", "id")


def chosen_connection(request, app_key: str) -> tuple[list[Connection], Connection | None]:
    """The portal's accounts of the app, and the one in view (?account=, else the first)."""
    accounts = list(connections_of(request, app_key))
    raw = request.GET.get("account", "")
    if raw:
        chosen = next((c for c in accounts if str(c.pk) == raw), None)
        if chosen is None:
            raise Http404
        return accounts, chosen
    return accounts, accounts[0] if accounts else None


def sync_or_404(request, app_key: str, sync_id: int) -> ObjectSync:
    return get_object_or_404(
        ObjectSync.objects.for_portal(request.portal).select_related("connection"),
        pk=sync_id, connection__app_key=app_key)


def link_or_404(request, app_key: str, link_id: int) -> Link:
    return get_object_or_404(
        Link.objects.for_portal(request.portal).select_related("object_sync__connection"),
        pk=link_id, object_sync__connection__app_key=app_key)


def page_context(request, cls, connection, accounts=None, **extra) -> dict:
    """The header every health page shares: the app, its accounts, who may act."""
    return {
        "app": app_card(cls), "connection": connection,
        "accounts": accounts if accounts is not None else [connection],
        "account_query": f"?account={connection.pk}" if connection else "",
        "can_support": request.membership.has(Permission.SUPPORT),
        **extra,
    }


def with_app_urls(links, syncs) -> list[Link]:
    """Each link (of one of `syncs`) with `app_url`: its app record's page in the
    vendor's app, or None."""
    by_id = {sync.pk: sync for sync in syncs}
    for link in links:
        sync = by_id[link.object_sync_id]
        link.app_url = app_record_url(sync.connection, sync.app_object, link.app_id)
        # A duplicate's app candidates (syncs/run/duplicates.py), each with its page.
        link.app_candidates = [(app_id, app_record_url(sync.connection, sync.app_object, app_id))
                               for app_id in (link.candidates or {}).get("app", ())]
    return links
