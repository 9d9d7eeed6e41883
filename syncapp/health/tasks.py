"""Celery tasks of the health pages: thin, ids only; the job rows say what to do."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from syncapp.health import exports, repair
from syncapp.health.models import ACTIVE, ExportJob, JobStatus, RepairJob
from syncapp.syncs.run import undo
from syncapp.syncs.tasks import run_undo

BUSY_RETRY_S = 5
STALE_AFTER = timedelta(minutes=5)


@shared_task(name="syncapp.health.tasks.run_repair", ignore_result=True, acks_late=True,
             reject_on_worker_lost=True)
def run_repair(job_id: int) -> None:
    """Work on a resync, restore or retry job for one slice; re-enqueue while work remains."""
    outcome = repair.run_job(job_id)
    if outcome == repair.MORE:
        run_repair.delay(job_id)
    elif outcome == repair.BUSY:  # a run of the same sync holds its lock: come back soon
        run_repair.apply_async((job_id,), countdown=BUSY_RETRY_S)


@shared_task(name="syncapp.health.tasks.build_export", ignore_result=True, acks_late=True,
             reject_on_worker_lost=True)
def build_export(job_id: int) -> None:
    """Write a record-view export to a file and e-mail its link to the requester."""
    exports.build_export(job_id)


@shared_task(name="syncapp.health.tasks.sweep", ignore_result=True)
def sweep() -> None:
    """Beat, every few minutes: re-dispatch jobs (and undos) a lost message left behind.

    A job still queued or running that nobody touched for STALE_AFTER is sent again;
    its claims and counts are in Postgres, so the second worker goes on where the first
    stopped (and the run lock keeps two from working the same sync)."""
    stale = timezone.now() - STALE_AFTER
    for job_id in RepairJob.objects.filter(status__in=ACTIVE, updated_at__lt=stale) \
            .values_list("pk", flat=True):
        run_repair.delay(job_id)
    for job_id in ExportJob.objects.filter(status=JobStatus.QUEUED, created_at__lt=stale) \
            .values_list("pk", flat=True):
        build_export.delay(job_id)
    for undo_id in undo.stale(stale):  # an undo of a run: syncs/run/undo.py
        run_undo.delay(undo_id)
