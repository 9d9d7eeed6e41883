"""Runs: what each sync did, newest first."""

from django.shortcuts import get_object_or_404
from ninja import Router

from syncapp.api import pagination, schemas
from syncapp.api.auth import READ
from syncapp.api.routes.common import cursor_query, id_path, limit_query, reads, sync_of
from syncapp.syncs.models import Run

router = Router(tags=["runs"], auth=READ)


@router.get("/syncs/{sync_id}/runs", response=reads(schemas.RunPage), summary="List runs")
def list_runs(request, sync_id: int = id_path(), cursor: str | None = cursor_query(),
              limit: int | None = limit_query()):
    sync = sync_of(request, sync_id)
    return pagination.page(Run.objects.for_portal(request.portal).filter(object_sync=sync),
                           cursor, limit)


@router.get("/runs/{run_id}", response=reads(schemas.Run), summary="Get a run")
def get_run(request, run_id: int = id_path()):
    return get_object_or_404(Run.objects.for_portal(request.portal), pk=run_id)
