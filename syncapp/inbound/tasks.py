"""Celery tasks of inbound webhooks: thin, ids only."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from syncapp.inbound.models import Event
from syncapp.inbound.registration import register as register_sync
from syncapp.inbound.registration import remove_object
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.syncs.models import ObjectSync


@shared_task(name="syncapp.inbound.tasks.register", ignore_result=True)
def register(sync_id: int) -> None:
    """Register the webhook of a sync turned on (a vendor call: never inside the request
    that turned it on). A sync still in its initial sync gets it when that run ends
    (receivers.py): webhooks during it would only start runs that read nothing new."""
    sync = ObjectSync.objects.select_related("connection").filter(pk=sync_id).first()
    if sync is not None and sync.is_on and sync.initial_done:
        register_sync(sync)


@shared_task(name="syncapp.inbound.tasks.remove", ignore_result=True)
def remove(connection_id: int, app_object: str) -> None:
    """Remove the vendor's webhook of a deleted sync's app object."""
    connection = Connection.objects.filter(pk=connection_id,
                                           status=ConnectionStatus.CONNECTED).first()
    if connection is not None:
        remove_object(connection, app_object)


# A delivery over 5 minutes old is refused (receive.MAX_AGE), so de-duplication needs
# only the last minutes of events; a day is kept for whoever looks into a problem.
EVENTS_KEPT = dt.timedelta(days=1)


@shared_task(name="syncapp.inbound.tasks.prune_events", ignore_result=True)
def prune_events() -> int:
    """Beat, hourly: forget events older than EVENTS_KEPT; how many went."""
    deleted, _by_model = Event.objects.filter(
        received_at__lt=timezone.now() - EVENTS_KEPT).delete()
    return deleted
