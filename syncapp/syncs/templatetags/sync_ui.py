"""Template pieces of the syncs pages that other pages include (the app's page)."""

from django import template
from django.db.models import OuterRef, Subquery

from syncapp.accounts.permissions import PERMISSION_LABELS, Permission
from syncapp.crm.schema import ObjectType
from syncapp.integrations.catalog import connector_class
from syncapp.integrations.models import ConnectionStatus
from syncapp.integrations.texts import object_labels
from syncapp.syncs import match_words
from syncapp.syncs.history import SyncEvent
from syncapp.syncs.history import record_sync_history as _record_sync_history
from syncapp.syncs.models import ObjectSync, Run
from syncapp.syncs.rule_words import in_words

register = template.Library()


@register.simple_tag
def record_sync_history(record) -> list[SyncEvent]:
    """What the syncs did to a hub record, for its record page (the CRM's page shows it
    without the CRM importing the syncs built on it)."""
    return _record_sync_history(record)


@register.filter
def rule_words(reason: str) -> str:
    """The conflict rule that decided a field, in the reader's language."""
    return in_words(reason)


@register.filter(name="match_words")
def match_words_filter(note: str) -> str:
    """How a record was matched, or why it could not be, in the reader's language."""
    return match_words.in_words(note)


def _labels(app_key: str) -> dict[str, str]:
    try:
        return object_labels(connector_class(app_key).spec)
    except LookupError:
        return {}


@register.inclusion_tag("syncs/partials/app_syncs.html", takes_context=True)
def app_syncs(context, app_key: str) -> dict:
    """The object syncs of the portal's accounts of `app_key`, with "Set up sync"."""
    request = context["request"]
    latest = Run.objects.filter(object_sync=OuterRef("pk")).order_by("-id")
    syncs = list(
        ObjectSync.objects.for_portal(request.portal)
        .filter(connection__app_key=app_key)
        .exclude(connection__status=ConnectionStatus.DISCONNECTED)
        .select_related("connection")
        .annotate(last_run_at=Subquery(latest.values("started_at")[:1]),
                  last_run_status=Subquery(latest.values("status")[:1]))
        .order_by("connection__account_name", "id")
    )
    labels = _labels(app_key)
    for sync in syncs:
        sync.app_label = labels.get(sync.app_object, sync.app_object)
        sync.hub_label = ObjectType(sync.hub_object).label
    accounts = {s.connection_id for s in syncs}
    return {
        "request": request, "syncs": syncs, "app_key": app_key,
        "app_name": context.get("app").name if context.get("app") else app_key,
        "can_configure": request.membership.has(Permission.MARKETPLACE),
        "missing_permission": PERMISSION_LABELS[Permission.MARKETPLACE],
        "has_account": bool(context.get("accounts")),
        "several_accounts": len(accounts) > 1,
    }
