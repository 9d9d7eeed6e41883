"""Emitting an event: one delivery per subscription of the portal that wants it.

Called inside the transaction of what happened: the deliveries are written with it
(an action that rolls back sends nothing), and the webhooks queue is told after the
commit. Sending never happens here, so a slow receiver never delays a sync.
"""

import uuid

from django.db.models import Q
from django.utils import timezone

from syncapp.core.queue import send_after_commit
from syncapp.webhooks.models import Delivery, Subscription
from syncapp.webhooks.tasks import deliver


def wanted(portal_id: int, events) -> bool:
    """Whether a subscription of the portal wants one of `events`: an event nobody
    listens to is not worth building (a quiet sync ends a run every poll)."""
    listening = Q()
    for event in events:
        listening |= Q(events__contains=[event])
    return Subscription.objects.filter(listening, portal_id=portal_id).exists()


def emit(portal_id: int, event: str, data: dict) -> list[int]:
    """Queue `event` with `data` for every subscription of the portal that wants it."""
    now = timezone.now()
    ids = []
    for subscription in Subscription.objects.filter(portal_id=portal_id, events__contains=[event]):
        message_id = "msg_" + uuid.uuid4().hex
        payload = {"type": event, "timestamp": now.isoformat(), "data": data}
        delivery = Delivery.objects.create(portal_id=portal_id, subscription=subscription,
                                           event=event, message_id=message_id,
                                           payload=payload, next_attempt_at=now)
        ids.append(delivery.pk)
    for pk in ids:  # a message lost to a broker outage: the sweeper sends it again
        send_after_commit(deliver, pk)
    return ids
