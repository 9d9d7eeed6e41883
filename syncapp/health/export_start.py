"""Starting a record-view export: audited and handed to a worker (tasks.build_export),
which writes the file in health/exports.py and mails its link."""

from django.db import transaction
from django.utils import translation

from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.core.queue import enqueue
from syncapp.health.models import ExportJob
from syncapp.health.records import filtered_links
from syncapp.health.tasks import build_export


def any_matching(portal, flt) -> bool:
    return any(filtered_links(portal, flt, sync_id).exists() for sync_id in flt.sync_ids)


def start_export(portal, connection, user, *, fmt: str, flt, columns: list[str],
                 by=None) -> ExportJob:
    """Queue an export for `user`, audited as done by `by` (the request) or `user`."""
    with transaction.atomic():
        job = ExportJob.objects.create(portal=portal, connection=connection, format=fmt,
                                       filters=flt.as_params(), columns=columns,
                                       requested_by=user,
                                       language=translation.get_language() or "")
        audit.record(by or user, AuditAction.EXPORT, connection,
                     {"format": fmt, "filters": job.filters}, portal=portal)
        enqueue(build_export, job.pk)  # QueueUnreachable rolls the job row back: no orphan export
    return job
