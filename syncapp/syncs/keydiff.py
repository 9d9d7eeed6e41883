"""The nightly key diff: deletes an app does not report (a PostgreSQL table without
the delete-log trigger) are found by comparing every key the app lists with the
linked ones.

The diff only decides which app ids are gone; the engine records them, as it
records any delete the app reports: the sync runs once, under its run lock, with a
connector whose read_deleted hands over those ids first. So statuses, history and
the "deleted in the app" counts come from one place.
"""

import logging

from connectors.sdk import Connector, DeletedPage, DeletedRecord
from syncapp.integrations.catalog import build_connector
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, SyncState
from syncapp.syncs.run.locks import acquired, held, run_lock_name

log = logging.getLogger(__name__)
KEY_PAGE = 1000
LIVE = (LinkStatus.IN_SYNC, LinkStatus.FAILED, LinkStatus.EXCLUDED)


class ReportingGone:
    """`connector`, whose deleted-records feed starts with the ids the diff found."""

    def __init__(self, connector: Connector, gone: list[str]):
        self._connector = connector
        self._gone = gone

    def __getattr__(self, name: str):
        return getattr(self._connector, name)

    def read_deleted(self, object_name: str, cursor: str | None, limit: int = 100
                     ) -> DeletedPage:
        if self._gone:
            batch, self._gone = self._gone[:limit], self._gone[limit:]
            return DeletedPage([DeletedRecord(app_id) for app_id in batch], cursor,
                               done=False)
        return self._connector.read_deleted(object_name, cursor, limit)


def gone_ids(sync: ObjectSync, connector: Connector) -> list[str]:
    """Linked app ids the app no longer lists (the links are read before the keys, so
    a row the engine creates meanwhile is never taken for a delete)."""
    linked = set(Link.objects.filter(object_sync=sync, status__in=LIVE,
                                     app_id__isnull=False).values_list("app_id", flat=True))
    existing: set[str] = set()
    after = None
    while True:
        ids = connector.read_ids(sync.app_object, after, KEY_PAGE)
        existing.update(ids)
        if len(ids) < KEY_PAGE:
            break
        after = ids[-1]
    missing = sorted(linked - existing)
    # A last look by id: a key read while its row was being rewritten stays linked.
    still = {r.id for r in connector.read_by_ids(sync.app_object, missing)} if missing else set()
    return [app_id for app_id in missing if app_id not in still]


def due(sync: ObjectSync, connector: Connector) -> bool:
    spec_object = connector.object(sync.app_object)
    return spec_object.capabilities.key_diff and not connector.deletes_reported(sync.app_object)


def diff_sync(sync_id: int, slice_s: float = 20.0, max_slices: int = 50) -> int:
    """Diff one sync's keys and let the engine record the deletes; how many were found.
    Skipped (0) while another run holds the sync's lock: tomorrow's diff comes."""
    from syncapp.syncs.run.runner import runnable  # noqa: PLC0415 - heavy

    sync = ObjectSync.objects.select_related("connection", "portal").get(pk=sync_id)
    if not runnable(sync):
        return 0
    lock = acquired(run_lock_name(sync.pk))
    if lock is None:
        return 0
    with held(lock):
        connector = build_connector(sync.connection)
        try:
            return _record_gone(sync, connector, slice_s, max_slices)
        finally:
            connector.close()  # its connection slot, at once


def _record_gone(sync: ObjectSync, connector: Connector, slice_s: float, max_slices: int
                 ) -> int:
    from syncapp.syncs.run.runner import DONE, SyncRunner  # noqa: PLC0415 - heavy

    if not due(sync, connector):
        return 0
    gone = gone_ids(sync, connector)
    log.info("key diff", extra={"object_sync_id": sync.pk, "gone": len(gone)})
    if not gone:
        return 0
    reporting = ReportingGone(connector, gone)
    for _ in range(max_slices):
        sync.refresh_from_db()
        if SyncRunner(sync, connector=reporting).run_for(slice_s) == DONE:  # type: ignore[arg-type]
            break
    return len(gone)


def syncs_to_diff() -> list[int]:
    """On syncs of apps whose objects may need a key diff."""
    from syncapp.integrations.catalog import connector_class  # noqa: PLC0415

    found = []
    for sync in ObjectSync.objects.filter(state=SyncState.ON).select_related("connection"):
        try:
            cls = connector_class(sync.connection.app_key)
            if cls.object_for(sync.connection.account_extra, sync.app_object
                              ).capabilities.key_diff:
                found.append(sync.pk)
        except (LookupError, KeyError):
            continue
    return found
