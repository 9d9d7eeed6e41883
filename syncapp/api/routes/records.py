"""A sync's health: its counts, its failed and excluded records, and the repairs support
starts on them (retry, resync), through health/repair.py as the failed panel does."""

import enum
from typing import Annotated

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

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
from syncapp.audit.models import AuditAction
from syncapp.core.params import ID_MAX
from syncapp.health import queries, repair, repair_start
from syncapp.health.models import RepairJob
from syncapp.health.tips import DELETED_CATEGORIES, ERROR_TIPS, EXCLUSION_REASONS
from syncapp.syncs.counts import counts_for
from syncapp.syncs.models import Link

router = Router(tags=["records"])

ErrorCategory = enum.StrEnum("ErrorCategory", {code: code for code in ERROR_TIPS})
RetryCategory = enum.StrEnum("RetryCategory", {code: code for code in ERROR_TIPS
                                               if code not in DELETED_CATEGORIES})
ExclusionReason = enum.StrEnum("ExclusionReason", {code: code for code in EXCLUSION_REASONS})
Target = enum.StrEnum("Target", {side: side for side in repair.DELETED_STATUS})
MAX_CHOSEN = 1000


RecordId = Annotated[int, Field(ge=1, le=ID_MAX)]


class Retry(Schema):
    category: RetryCategory
    link_ids: list[RecordId] = Field(default_factory=list, max_length=MAX_CHOSEN,
                                description="The failed records to retry; empty retries "
                                            "the whole category.")


class Resync(Schema):
    target: Target = Field(..., description="Where to recreate the deleted records: "
                                            "`hub` (Syncapp) or `app`.")


@router.get("/syncs/{sync_id}/health", response=reads(schemas.HealthCounts), auth=READ,
            summary="Health counts of a sync")
def health_counts(request, sync_id: int = id_path()):
    sync = sync_of(request, sync_id)
    counts = counts_for([sync.pk])[sync.pk]
    return {"object_sync_id": sync.pk, "in_sync": counts.in_sync, "failed": counts.failed,
            "excluded": counts.excluded, "pending": counts.pending,
            "by_status": counts.by_status, "failed_by_category": counts.failed_by_category,
            "excluded_by_reason": counts.excluded_by_reason}


@router.get("/syncs/{sync_id}/failed", response=reads(schemas.RecordPage), auth=READ,
            summary="List failed records", description="Failed and deleted records, "
            "of one error category if given.")
def list_failed(request, sync_id: int = id_path(), category: ErrorCategory | None = None,
                cursor: str | None = cursor_query(), limit: int | None = limit_query()):
    sync = sync_of(request, sync_id)
    rows = (queries.problem_links(sync, category) if category
            else Link.objects.filter(object_sync=sync).counted_as_failed())
    return pagination.page(rows, cursor, limit)


@router.get("/syncs/{sync_id}/excluded", response=reads(schemas.RecordPage), auth=READ,
            summary="List excluded records")
def list_excluded(request, sync_id: int = id_path(), reason: ExclusionReason | None = None,
                  cursor: str | None = cursor_query(), limit: int | None = limit_query()):
    sync = sync_of(request, sync_id)
    rows = Link.objects.filter(object_sync=sync).counted_as("excluded")
    if reason:
        rows = rows.filter(exclusion_reason=reason)
    return pagination.page(rows, cursor, limit)


@router.post("/syncs/{sync_id}/failed/retry", response=writes(202, schemas.RepairJob),
             auth=WRITE, summary="Retry failed records",
             description="Sends the failed records of one category again.")
def retry(request, payload: Retry, sync_id: int = id_path()):
    sync = sync_of(request, sync_id)
    try:
        job = repair_start.start_retry(sync, str(payload.category), payload.link_ids, request.user)
    except repair_start.AlreadyRunning:
        raise Conflict(_("A retry of this category is already running.")) from None
    return Status(202, job)


@router.post("/syncs/{sync_id}/resync", response=writes(202, schemas.RepairJob), auth=WRITE,
             summary="Resync deleted records",
             description="Recreates the records deleted on the other side.")
def resync(request, payload: Resync, sync_id: int = id_path()):
    sync = sync_of(request, sync_id)
    try:
        job = repair_start.start_restore(sync, str(payload.target), request.user,
                                         AuditAction.RESYNC)
    except repair_start.AlreadyRunning as running:
        raise Conflict(_("These records are already being restored (started %(when)s). "
                         "Nothing is restored twice.")
                       % {"when": running.job.created_at.strftime("%H:%M")}) from None
    return Status(202, job)


@router.get("/jobs/{job_id}", response=reads(schemas.RepairJob), auth=READ,
            summary="Get a retry or resync job")
def get_job(request, job_id: int = id_path()):
    return get_object_or_404(RepairJob.objects.for_portal(request.portal), pk=job_id)

