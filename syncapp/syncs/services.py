"""What people do to object syncs: save and sync, sync now, off, on, delete.

`by` is the request (or user) acting; each action is audited in its own transaction.
"""

from django.db import transaction
from django.utils import timezone

from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.core.queue import enqueue
from syncapp.syncs.models import ObjectSync, SyncState
from syncapp.syncs.run.associations import walk_partners_again
from syncapp.syncs.signals import sync_deleting, sync_turned_on
from syncapp.syncs.tasks import run_sync


def _enqueue(sync: ObjectSync) -> None:
    """Run it once the caller commits; QueueUnreachable (rolling the caller back) when
    the task queue does not answer."""
    enqueue(run_sync, sync.pk)


@transaction.atomic
def save_and_sync(sync: ObjectSync) -> None:
    """Turn a draft on and start its initial sync at once."""
    sync.state = SyncState.ON
    sync.next_run_at = timezone.now()
    sync.save(update_fields=["state", "next_run_at", "updated_at"])
    _enqueue(sync)
    # Real time: inbound registers the app's webhook once this commits (a refusal
    # leaves the sync on polling).
    sync_turned_on.send(sender=ObjectSync, sync=sync)


@transaction.atomic
def sync_now(sync: ObjectSync, by=None) -> None:
    if sync.state == SyncState.ON:
        _enqueue(sync)
        audit.record(by, AuditAction.SYNC_NOW, sync)


@transaction.atomic
def turn_off(sync: ObjectSync, by=None) -> None:
    """Stop runs; links and cursors stay, so turning on again catches up."""
    sync.state = SyncState.OFF
    sync.save(update_fields=["state", "updated_at"])
    audit.record(by, AuditAction.TURNED_OFF, sync)


@transaction.atomic
def turn_on(sync: ObjectSync, by=None) -> None:
    """Catch up from the saved cursors; the other syncs redo associations made meanwhile."""
    save_and_sync(sync)
    if sync.initial_done:
        walk_partners_again(sync)
    audit.record(by, AuditAction.TURNED_ON, sync)


@transaction.atomic
def delete_sync(sync: ObjectSync, by=None) -> None:
    """Remove the configuration and links; records on both sides are kept."""
    audit.record(by, AuditAction.SYNC_DELETED, sync)  # while it still has its id
    sync_deleting.send(sender=ObjectSync, sync=sync)  # its app's webhook goes too
    sync.delete()
