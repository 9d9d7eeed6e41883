"""What the sync did to a record, for its record page (read from recorded facts only)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from syncapp.integrations.catalog import connector_class
from syncapp.syncs.models import HistoryEntry

LIMIT = 50


@dataclass(frozen=True)
class SyncEvent:
    entry: HistoryEntry
    app_name: str
    account: str
    side_label: str
    changes: list[tuple[str, str, object, object, str]]  # (side, field, old, new, rule)


def _app_name(app_key: str) -> str:
    try:
        return connector_class(app_key).spec.name
    except LookupError:
        return app_key


def _side_label(side: str, app: str) -> str:
    if side == "both":
        return _("Syncapp and %(app)s") % {"app": app}
    return "Syncapp" if side == "hub" else app


def record_sync_history(record, limit: int = LIMIT) -> list[SyncEvent]:
    entries = (
        HistoryEntry.objects.filter(portal_id=record.portal_id, link__hub_record=record)
        .select_related("link__object_sync__connection")
        .order_by("-id")[:limit]
    )
    events = []
    for entry in entries:
        connection = entry.link.object_sync.connection
        app = _app_name(connection.app_key)
        events.append(SyncEvent(
            entry=entry, app_name=app, account=connection.account_name,
            side_label=_side_label(entry.side, app),
            changes=[(_side_label(side, app), *diff) for side, *diff in entry.diffs()],
        ))
    return events
