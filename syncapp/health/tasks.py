"""Celery tasks of the health pages: thin, ids only; the job rows say what to do."""

from celery import shared_task

from syncapp.health import exports, repair

BUSY_RETRY_S = 5


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
             reject_on_worker_lost=True, time_limit=3600, soft_time_limit=3500)
def build_export(job_id: int) -> None:
    """Write a record-view export to a file and e-mail its link to the requester."""
    exports.build_export(job_id)
