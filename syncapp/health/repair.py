"""Support's repairs: resync or restore deleted records, retry failed ones.

A job is a row (RepairJob), started by health/repair_start.py; a Celery task works it
off in batches while holding the object sync's run lock, so it never runs beside the
engine or another repair of the same sync. Each restore batch also *claims* its links
in Postgres — under select_for_update they turn "being created" and the job notes
their ids — so two jobs, or a message delivered twice, can never recreate a record
twice; a worker that dies holding a claim has it put back by whoever picks the job up
next.
"""

import time
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors.sdk import ConnectorError
from syncapp.health.models import ACTIVE, JobStatus, RepairJob, RepairKind
from syncapp.integrations.catalog import connector_class, connector_for
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, Run, RunKind, RunStatus
from syncapp.syncs.run.locks import acquired, held, run_lock_name
from syncapp.syncs.run.restore import recreate_in_app, restore_in_hub
from syncapp.syncs.run.step import BatchRun

BATCH = 100
SLICE_S = 20.0
DONE, MORE, BUSY = "done", "more", "busy"
DELETED_STATUS = {"app": LinkStatus.DELETED_IN_APP, "hub": LinkStatus.DELETED_IN_HUB}
# What a restore on each side takes: the hub still holds the archived record of a link
# deleted on both sides, the app holds nothing to copy from.
RESTORABLE = {"app": [LinkStatus.DELETED_IN_APP],
              "hub": [LinkStatus.DELETED_IN_HUB, LinkStatus.DELETED_BOTH]}


def failed_links(sync: ObjectSync, category: str, link_ids=()):
    links = Link.objects.filter(object_sync=sync, status=LinkStatus.FAILED,
                                error_category=category)
    return links.filter(pk__in=list(link_ids)) if link_ids else links


def run_job(job_id: int, connector=None, budget_s: float = SLICE_S) -> str:
    """Work on job `job_id` for up to `budget_s`: DONE, MORE (call again) or BUSY (the
    sync's lock is taken: call again a little later)."""
    job = RepairJob.objects.select_related("object_sync__connection").filter(pk=job_id).first()
    if job is None or job.status not in ACTIVE:
        return DONE
    lock = acquired(run_lock_name(job.object_sync_id))
    if lock is None:
        return BUSY
    with held(lock):
        return _work(job, connector, budget_s)


def _work(job: RepairJob, connector, budget_s: float) -> str:
    sync = job.object_sync
    _release_claims(job, redo=True)  # a worker died holding these: do them again
    if job.status == JobStatus.QUEUED:
        job.status = JobStatus.RUNNING
        job.save(update_fields=["status", "updated_at"])
    # A connector handed in (tests) brings its own spec, as in SyncRunner.
    cls = type(connector) if connector else connector_class(sync.connection.app_key)
    config = build_config(sync, cls)
    run = _run_of(job)
    with connector_for(sync.connection, connector) as writing:
        deadline = time.monotonic() + budget_s
        try:
            while time.monotonic() < deadline:
                step = _restore_batch if job.kind == RepairKind.RESTORE else _retry_batch
                if not step(job, config, writing, run.pk):
                    _finish(job, run, JobStatus.DONE)
                    return DONE
        except ConnectorError as exc:
            _release_claims(job)
            if exc.transient:
                return BUSY
            job.message = exc.vendor_message or exc.message
            _finish(job, run, JobStatus.FAILED)
            return DONE
        return MORE


def _run_of(job: RepairJob) -> Run:
    """The run the job's history entries point to. Never "running": the engine takes
    a running run of its sync for its own."""
    kind = RunKind.RESTORE if job.kind == RepairKind.RESTORE else RunKind.RESYNC
    run = Run.objects.filter(object_sync_id=job.object_sync_id, kind=kind,
                             counts__job=job.pk).first()
    return run or Run.objects.create(portal_id=job.portal_id, object_sync_id=job.object_sync_id,
                                     kind=kind, status=RunStatus.SUCCEEDED,
                                     counts={"job": job.pk}, estimated_total=job.total)


def _restore_batch(job: RepairJob, config, connector, run_id: int) -> int:
    with transaction.atomic():
        links = list(Link.objects.select_for_update(skip_locked=True)
                     .filter(object_sync_id=job.object_sync_id,
                             status__in=RESTORABLE[job.target],
                             pk__gt=job.after_id).order_by("id")[:BATCH])
        if not links:
            return 0
        ids = [link.pk for link in links]
        # Fresh updated_at: the engine resends creates only of links pending for long.
        Link.objects.filter(pk__in=ids).update(status=LinkStatus.PENDING,
                                               updated_at=timezone.now())
        job.claimed, job.after_id = ids, ids[-1]
        job.save(update_fields=["claimed", "after_id", "updated_at"])
    # The links in hand still say "deleted": that is what the restore functions take.
    restore = recreate_in_app if job.target == "app" else restore_in_hub
    counts = restore(config, connector, links, run_id)
    left = _release_claims(job)  # gone on both sides: nothing to recreate them from
    _add(job, run_id, counts["restored"], counts["failed"] + left)
    return len(links)


def _retry_batch(job: RepairJob, config, connector, run_id: int) -> int:
    sync = job.object_sync
    links = list(failed_links(sync, job.category, job.link_ids)
                 .filter(pk__gt=job.after_id).order_by("id")[:BATCH])
    if not links:
        return 0
    # A person pressed Retry: refused writes are sent again, changed or not.
    Link.objects.filter(pk__in=[link.pk for link in links]).update(refused={})
    app_ids = [link.app_id for link in links if link.app_id]
    app_records = connector.read_by_ids(config.app_object, app_ids) if app_ids else []
    BatchRun(config, connector, run_id, Counter()).process(
        app_records=app_records, hub_ids={lk.hub_record_id for lk in links if lk.hub_record_id})
    ids = [link.pk for link in links]
    now = Counter(Link.objects.filter(pk__in=ids).values_list("status", flat=True))
    job.after_id = ids[-1]
    job.save(update_fields=["after_id", "updated_at"])
    _add(job, run_id, now[LinkStatus.IN_SYNC], len(ids) - now[LinkStatus.IN_SYNC])
    return len(ids)


def _release_claims(job: RepairJob, redo: bool = False) -> int:
    """Put back the claimed links no restore settled; how many there were. With `redo`
    the job walks back to take them again (its worker died before it got to them)."""
    if not job.claimed:
        return 0
    if redo:
        job.after_id = min(job.claimed) - 1
    claimed = Link.objects.filter(pk__in=job.claimed, status=LinkStatus.PENDING)
    # A claimed link keeps its category: one deleted on both sides goes back as such.
    back = claimed.filter(error_category=LinkStatus.DELETED_BOTH).update(
        status=LinkStatus.DELETED_BOTH)
    back += claimed.update(status=DELETED_STATUS.get(job.target, LinkStatus.FAILED))
    job.claimed = []
    job.save(update_fields=["claimed", "after_id", "updated_at"])
    return back


def _add(job: RepairJob, run_id: int, succeeded: int, failed: int) -> None:
    job.succeeded += succeeded
    job.failed += failed
    job.save(update_fields=["succeeded", "failed", "updated_at"])
    key = "restored" if job.kind == RepairKind.RESTORE else "retried"
    Run.objects.filter(pk=run_id).update(counts={"job": job.pk, key: job.succeeded,
                                                 "failed": job.failed})


def _finish(job: RepairJob, run: Run, status: str) -> None:
    now = timezone.now()
    job.status, job.finished_at = status, now
    if status == JobStatus.DONE and not job.message:
        job.message = _("%(ok)d of %(total)d done; %(failed)d could not be.") % {
            "ok": job.succeeded, "total": job.succeeded + job.failed, "failed": job.failed}
    job.save(update_fields=["status", "finished_at", "message", "updated_at"])
    Run.objects.filter(pk=run.pk).update(
        finished_at=now, status=RunStatus.SUCCEEDED if status == JobStatus.DONE
        else RunStatus.FAILED, error_message=job.message if status != JobStatus.DONE else "")
