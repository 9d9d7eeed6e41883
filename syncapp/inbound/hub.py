"""Hub changes start the syncs of their object type at once (debounced), as vendor
webhooks do for the app side: a person's edit in Syncapp reaches the apps in seconds,
not at the next poll. The sync that wrote the change is left out (its own write is
an echo it skips); the others of that type run once the write commits."""

from django.db import transaction

from syncapp.inbound.debounce import nudge
from syncapp.syncs.models import ObjectSync, SyncState


def on_records_changed(sender, portal_id: int, object_types: set[str],
                       object_sync_id: int | None, **kwargs) -> None:
    transaction.on_commit(lambda: nudge(_syncs_to_run(portal_id, object_types, object_sync_id)))


def _syncs_to_run(portal_id: int, object_types: set[str], writer: int | None) -> list[int]:
    # A sync in its initial sync is left alone: that run reads everything.
    syncs = ObjectSync.objects.filter(portal_id=portal_id, hub_object__in=object_types,
                                      state=SyncState.ON, initial_done=True)
    if writer is not None:
        syncs = syncs.exclude(pk=writer)
    return list(syncs.values_list("pk", flat=True))
