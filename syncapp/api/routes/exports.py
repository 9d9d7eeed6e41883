"""Record exports (CSV or Excel), built in the background as from the record view: the same
filter parser, the same export service, the same audit entry."""

import enum

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from syncapp.api import pagination, schemas
from syncapp.api.auth import READ, WRITE
from syncapp.api.routes.common import (
    Conflict,
    cursor_query,
    id_path,
    limit_query,
    reads,
    writes,
)
from syncapp.core.params import ID_MAX
from syncapp.health import columns as cols
from syncapp.health import export_start, exports
from syncapp.health.models import ExportFormat, ExportJob, JobStatus
from syncapp.health.overview import sync_rows
from syncapp.health.records import PERIODS, STATUSES, parse_filter
from syncapp.integrations.models import Connection

router = Router(tags=["exports"])

Format = enum.StrEnum("Format", {value: value for value in ExportFormat.values})
RecordStatus = enum.StrEnum("RecordStatus", {str(value): str(value) for value in STATUSES})
Period = enum.StrEnum("Period", {value: value for value in PERIODS})
FILE_TYPES = {"csv": "text/csv",
              "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class NewExport(Schema):
    format: Format
    object_sync_id: int | None = Field(None, ge=1, le=ID_MAX,
                                       description="Only this sync's records")
    status: RecordStatus | None = None
    period: Period | None = None


def _jobs(request):
    # As in the record view, a person sees the exports they asked for: a key, its creator's.
    return ExportJob.objects.for_portal(request.portal).filter(requested_by=request.user)


@router.post("/connections/{connection_id}/exports", response=writes(202, schemas.Export),
             auth=WRITE, summary="Start an export",
             description="Builds a file of the connection's records; poll the export "
                         "until its status is `done`, then download it.")
def start_export(request, payload: NewExport, connection_id: int = id_path()):
    connection = get_object_or_404(Connection.objects.for_portal(request.portal),
                                   pk=connection_id)
    query = {"object": str(payload.object_sync_id or ""), "status": payload.status or "",
             "period": payload.period or ""}
    flt = parse_filter(query, [row.sync.pk for row in sync_rows(connection)])
    if flt.errors:
        field, message = next(iter(flt.errors.items()))
        raise HttpError(400, f"{field}: {message}")
    if not export_start.any_matching(request.portal, flt):
        raise Conflict(_("Nothing to export: no record matches these filters."))
    job = export_start.start_export(request.portal, connection, request.user, fmt=payload.format,
                               flt=flt, columns=cols.chosen_columns(request.user,
                                                                    request.portal))
    return Status(202, job)


@router.get("/exports", response=reads(schemas.ExportPage), auth=READ,
            summary="List exports", description="The exports this key's creator asked for.")
def list_exports(request, cursor: str | None = cursor_query(),
                 limit: int | None = limit_query()):
    return pagination.page(_jobs(request), cursor, limit)


@router.get("/exports/{export_id}", response=reads(schemas.Export), auth=READ,
            summary="Get an export")
def get_export(request, export_id: int = id_path()):
    return get_object_or_404(_jobs(request), pk=export_id)


@router.get("/exports/{export_id}/file", response=reads(None), auth=READ,
            summary="Download an export", openapi_extra={"responses": {200: {
                "description": "The file",
                "content": {kind: {"schema": {"type": "string", "format": "binary"}}
                            for kind in FILE_TYPES.values()}}}})
def download_export(request, export_id: int = id_path()):
    job = get_object_or_404(_jobs(request), pk=export_id, status=JobStatus.DONE)
    path = exports.export_path(job)
    if not job.file_name or not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name,
                        content_type=FILE_TYPES.get(job.format, "application/octet-stream"))
