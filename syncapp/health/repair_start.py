"""Starting support's repairs (resync or restore deleted records, retry failed ones):
refused while the same repair of the sync is under way, else audited and handed to a
worker (tasks.run_repair), which works the job off in health/repair.py."""

from django.db import transaction

from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.core.queue import enqueue
from syncapp.health.models import ACTIVE, RepairJob, RepairKind
from syncapp.health.repair import RESTORABLE, failed_links
from syncapp.health.tasks import run_repair
from syncapp.syncs.models import Link, LinkStatus, ObjectSync


class AlreadyRunning(Exception):
    def __init__(self, job: RepairJob):
        super().__init__(job.pk)
        self.job = job


def _enqueue(job: RepairJob) -> None:
    enqueue(run_repair, job.pk)  # QueueUnreachable rolls the job row back


def _start(sync: ObjectSync, user, total: int, **fields) -> RepairJob:
    # The sync's row lock makes "is one running?" and "start one" a single step.
    ObjectSync.objects.select_for_update().get(pk=sync.pk)
    same = {k: v for k, v in fields.items() if k in ("kind", "target", "category")}
    active = RepairJob.objects.filter(object_sync=sync, status__in=ACTIVE, **same).first()
    if active:
        raise AlreadyRunning(active)
    job = RepairJob.objects.create(portal_id=sync.portal_id, object_sync=sync, total=total,
                                   requested_by=user, **fields)
    _enqueue(job)
    return job


@transaction.atomic
def start_restore(sync: ObjectSync, target: str, user,
                  action: str = AuditAction.RESTORE, *, by=None) -> RepairJob:
    """Recreate every record of `sync` deleted on the `target` side ("hub" or "app");
    audited as `action` (a restore, or a resync from the failed-records page) by `by`
    (the request, for its address; else `user`)."""
    total = Link.objects.filter(object_sync=sync, status__in=RESTORABLE[target]).count()
    job = _start(sync, user, total, kind=RepairKind.RESTORE, target=target)
    audit.record(by or user, action, sync, {"target": target, "records": total})
    return job


@transaction.atomic
def start_retry(sync: ObjectSync, category: str, link_ids: list[int], user, *,
                by=None) -> RepairJob:
    """Retry the failed links of one category (the chosen ones, or all of it)."""
    links = failed_links(sync, category, link_ids)
    job = _start(sync, user, links.count(), kind=RepairKind.RETRY, category=category,
                 link_ids=sorted(set(link_ids)))
    audit.record(by or user, AuditAction.RETRY, sync, {"category": category, "records": job.total})
    return job


def gone_on_both_sides(sync: ObjectSync) -> int:
    """Links with nothing live on either side: a resync into the app cannot copy them."""
    return Link.objects.filter(object_sync=sync, status=LinkStatus.DELETED_BOTH).count()
