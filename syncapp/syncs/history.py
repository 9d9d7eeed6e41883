"""What the sync did to a record, for its record page (read from recorded facts only)."""

from dataclasses import dataclass

from syncapp.integrations.catalog import connector_class
from syncapp.syncs.models import HistoryEntry

LIMIT = 50


@dataclass(frozen=True)
class SyncEvent:
    entry: HistoryEntry
    app_name: str
    account: str
    side_label: str
    changes: list[tuple[str, object, object]]


def _app_name(app_key: str) -> str:
    try:
        return connector_class(app_key).spec.name
    except LookupError:
        return app_key


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
            side_label="Syncapp" if entry.side == "hub" else app,
            changes=[(name, *[*values, None, None][:2])
                     for name, values in sorted(entry.changes.items())],
        ))
    return events
