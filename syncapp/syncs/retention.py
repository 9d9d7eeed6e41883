"""Keeping run history for RUN_HISTORY_RETENTION_DAYS, then letting it go.

Run history is the runs, the history entries that say which values a run wrote to
each record, and the hub change-log entries the sync wrote (the values as the hub
saw them). Beat prunes them daily (syncs.tasks.prune_history), in batches so that
no statement holds locks for long, together with audit entries past a year (the
audit log's own rule, audit/log.py). A change-log entry is also the outbox other
syncs read by cursor, so one is pruned only once every sync of its portal has read
past it.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone

from syncapp.audit import log as audit_log
from syncapp.crm.changelog import ChangeCursor
from syncapp.crm.models import ChangeLogEntry
from syncapp.syncs.models import HistoryEntry, ObjectSync, Run, RunStatus

log = logging.getLogger(__name__)
BATCH = 5000


def cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.RUN_HISTORY_RETENTION_DAYS)


def _delete_in_batches(rows: QuerySet, model: type[Model]) -> int:
    deleted = 0
    while ids := list(rows.values_list("pk", flat=True)[:BATCH]):
        count, _by_model = model.objects.filter(pk__in=ids).delete()
        deleted += count
    return deleted


def _read_by_every_sync(portal_id: int, before: dt.datetime) -> QuerySet:
    """The portal's change-log entries a sync wrote before `before` that every sync of
    the portal has read past (a sync that never read has no cursor yet: it starts at
    the head, so it needs none of them)."""
    cursors = [ChangeCursor.decode(raw) for raw in ObjectSync.objects.filter(
        portal_id=portal_id).exclude(hub_cursor="").values_list("hub_cursor", flat=True)]
    written = ChangeLogEntry.objects.filter(portal_id=portal_id, object_sync_id__isnull=False,
                                            created_at__lt=before)
    if not cursors:
        return written
    return written.filter(txid__lt=min(cursor.txid for cursor in cursors))


def prune(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete run history older than the retention, and audit entries past a year;
    returns how many rows of each went."""
    before = cutoff(now)
    pruned = {
        "history": _delete_in_batches(HistoryEntry.objects.filter(created_at__lt=before),
                                      HistoryEntry),
        "runs": _delete_in_batches(Run.objects.filter(started_at__lt=before).exclude(
            status=RunStatus.RUNNING), Run),
        "changes": 0,
    }
    portals = ChangeLogEntry.objects.filter(object_sync_id__isnull=False, created_at__lt=before
                                            ).values_list("portal_id", flat=True).distinct()
    for portal_id in list(portals):
        pruned["changes"] += _delete_in_batches(_read_by_every_sync(portal_id, before),
                                                ChangeLogEntry)
    pruned["audit"] = audit_log.prune(now)
    log.info("run history pruned", extra=pruned)
    return pruned
