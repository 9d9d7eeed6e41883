"""What the rule tests look at after a run: links, hub records, and writes on each side."""

from syncapp.crm.models import ChangeLogEntry, Record
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus
from tests.kits.engine import App

# Calls that change nothing although they are not GETs (HubSpot reads in batches
# and searches with POST).
_READ_SUFFIXES = ("/search", "/batch/read")


def fresh(app: App, *object_names: str) -> None:
    """Empty the app's seeded objects, so a test sees only the records it made."""
    for object_name in object_names:
        app.clear(object_name)


def app_writes(app: App) -> list[tuple[str, str]]:
    """(method, path) of every call so far that could change the app's data."""
    return [(method, path) for _t, method, path in app.sandbox.calls
            if method != "GET" and not path.endswith(_READ_SUFFIXES)]


def hub_writes(sync) -> int:
    """Change-log entries written by this object sync."""
    return ChangeLogEntry.objects.filter(object_sync_id=sync.pk).count()


def live(portal, object_type: str) -> list[Record]:
    return list(Record.objects.filter(portal=portal, object_type=object_type,
                                      archived_at__isnull=True).order_by("pk"))


def hub_by(portal, object_type: str, **properties) -> Record:
    """The one live hub record whose properties contain these values."""
    (record,) = Record.objects.filter(portal=portal, object_type=object_type,
                                      archived_at__isnull=True,
                                      properties__contains=properties)
    return record


def links(sync) -> list[Link]:
    return list(Link.objects.filter(object_sync=sync).order_by("pk"))


def link_of_app(sync, app_id: str) -> Link:
    return Link.objects.get(object_sync=sync, app_id=app_id)


def link_of_hub(sync, record: Record) -> Link:
    return Link.objects.get(object_sync=sync, hub_record=record)


def statuses(sync) -> dict[str, int]:
    found: dict[str, int] = {}
    for status in Link.objects.filter(object_sync=sync).values_list("status", flat=True):
        found[status] = found.get(status, 0) + 1
    return found


def in_sync(sync) -> list[Link]:
    return list(Link.objects.filter(object_sync=sync, status=LinkStatus.IN_SYNC))


def history(link: Link) -> list[HistoryEntry]:
    return list(link.history.order_by("pk"))


def age_hubspot_records(app: App, object_name: str, seconds: int = 3600) -> None:
    """Make the app's records look untouched for `seconds`: the connector's overlap
    window re-reads only records changed in its last half minute."""
    from connectors.hubspot.sandbox.schema import modified_property
    from connectors.hubspot.sandbox.validate import iso

    account = next(a for a in app.sandbox.accounts.values()
                   if a.login == app.connection.account_id)
    with app.sandbox.lock:
        for record in account.data[object_name].values():
            record["updatedAt"] -= seconds * 1000
            record["properties"][modified_property(object_name)] = iso(record["updatedAt"])
