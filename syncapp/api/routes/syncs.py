"""Object syncs: list, get, turn on, turn off, Sync now, delete — through syncs/services.py,
with the rules of the sync page's buttons (syncs/views.py)."""

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from syncapp.api import pagination, schemas
from syncapp.api.auth import READ, WRITE
from syncapp.api.routes.common import (
    Conflict,
    cursor_query,
    id_path,
    limit_query,
    reads,
    sync_of,
    writes,
)
from syncapp.core.params import ID_MAX
from syncapp.integrations.models import ConnectionStatus
from syncapp.syncs import services
from syncapp.syncs.models import ObjectSync, SyncState

router = Router(tags=["object syncs"])


@router.get("/syncs", response=reads(schemas.ObjectSyncPage), auth=READ,
            summary="List object syncs")
def list_syncs(request, connection: int | None = Query(None, ge=1, le=ID_MAX,
                                                      description="Only this connection's"),
               cursor: str | None = cursor_query(), limit: int | None = limit_query()):
    rows = ObjectSync.objects.for_portal(request.portal)
    if connection is not None:
        rows = rows.filter(connection_id=connection)
    return pagination.page(rows, cursor, limit)


@router.get("/syncs/{sync_id}", response=reads(schemas.ObjectSync), auth=READ,
            summary="Get an object sync")
def get_sync(request, sync_id: int = id_path()):
    return sync_of(request, sync_id)


@router.post("/syncs/{sync_id}/turn-on", response=writes(200, schemas.ObjectSync), auth=WRITE,
             summary="Turn a sync on", description="Catches up from where it stopped. "
             "A sync that is already on is left as it is.")
def turn_on(request, sync_id: int = id_path()):
    sync = sync_of(request, sync_id)
    if sync.state == SyncState.DRAFT:
        raise Conflict(_("This sync is a draft: finish setting it up before turning it on."))
    if sync.state == SyncState.OFF:
        services.turn_on(sync, request)
    return sync


@router.post("/syncs/{sync_id}/turn-off", response=writes(200, schemas.ObjectSync),
             auth=WRITE, summary="Turn a sync off", description="Links and cursors are "
             "kept. A sync that is not on is left as it is.")
def turn_off(request, sync_id: int = id_path()):
    sync = sync_of(request, sync_id)
    if sync.state == SyncState.ON:
        services.turn_off(sync, request)
    return sync


@router.post("/syncs/{sync_id}/sync-now", response=writes(202, schemas.ObjectSync),
             auth=WRITE, summary="Sync now", description="Starts a run of a sync that is on.")
def sync_now(request, sync_id: int = id_path()):
    sync = sync_of(request, sync_id)
    if sync.state != SyncState.ON:
        raise Conflict(_("Turn the sync on first: a sync that is off doesn't run."))
    if sync.connection.status != ConnectionStatus.CONNECTED:
        raise Conflict(_("Reconnect the account first (Actions → Manage accounts)."))
    services.sync_now(sync, request)
    return Status(202, sync)


@router.delete("/syncs/{sync_id}", response=writes(204, None), auth=WRITE,
               summary="Delete a sync", description="Removes its settings and links; "
               "records are kept on both sides.")
def delete_sync(request, sync_id: int = id_path()):
    services.delete_sync(sync_of(request, sync_id), request)
    return Status(204, None)
