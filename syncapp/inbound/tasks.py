"""Celery tasks of inbound webhooks: thin, ids only."""

from celery import shared_task

from syncapp.syncs.models import ObjectSync


@shared_task(name="syncapp.inbound.tasks.register", ignore_result=True)
def register(sync_id: int) -> None:
    """Register the webhook of a sync just turned on (a vendor call: never inside the
    request that turned it on)."""
    from syncapp.inbound.registration import register as register_sync  # noqa: PLC0415

    sync = ObjectSync.objects.select_related("connection").filter(pk=sync_id).first()
    if sync is not None and sync.is_on:
        register_sync(sync)
