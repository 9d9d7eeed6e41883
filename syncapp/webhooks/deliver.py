"""Trying a delivery once, and deciding when to try again.

What an answer means is decided in `outcome_of`; how long to wait in `next_delay`.
2xx is delivered; a 3xx is a failure (never followed); anything else, or no answer,
is tried again with exponential backoff (WEBHOOK_RETRY_BASE_S, doubling, at most
WEBHOOK_RETRY_MAX_DELAY_S apart) until WEBHOOK_RETRY_WINDOW_S (24 h) after the event.
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from syncapp.core import outbound
from syncapp.webhooks import signing
from syncapp.webhooks.models import Attempt, AttemptOutcome, Delivery, DeliveryStatus
from syncapp.webhooks.subscription_secrets import signing_secrets

log = logging.getLogger(__name__)


def outcome_of(answer: outbound.Answer) -> str:
    if answer.status is None:
        return AttemptOutcome.NO_ANSWER
    if 200 <= answer.status < 300:
        return AttemptOutcome.SUCCEEDED
    if 300 <= answer.status < 400:
        return AttemptOutcome.REDIRECT
    return AttemptOutcome.HTTP_ERROR


def next_delay(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed try."""
    return min(settings.WEBHOOK_RETRY_BASE_S * 2 ** (attempts - 1),
               settings.WEBHOOK_RETRY_MAX_DELAY_S)


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def send(delivery: Delivery) -> outbound.Answer:
    body = body_of(delivery)
    timestamp = int(timezone.now().timestamp())
    headers = {
        "content-type": "application/json", "user-agent": "Syncapp-Webhooks/1",
        "webhook-id": delivery.message_id, "webhook-timestamp": str(timestamp),
        "webhook-signature": signing.signature_header(
            signing_secrets(delivery.subscription), delivery.message_id, timestamp, body),
    }
    return outbound.post(delivery.subscription.url, body, headers,
                         settings.WEBHOOK_TIMEOUT_S)


def attempt(delivery_id: int) -> float | None:
    """Try a due delivery once; the seconds until its next try, or None when done.

    The row stays locked while sending (SKIP LOCKED: a second message for the same
    delivery finds nothing to do), so one delivery is never sent twice at once."""
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("subscription")
                    .filter(pk=delivery_id, status=DeliveryStatus.PENDING,
                            next_attempt_at__lte=timezone.now()).first())
        if delivery is None:
            return None
        answer = send(delivery)
        outcome = outcome_of(answer)
        Attempt.objects.create(delivery=delivery, outcome=outcome, status_code=answer.status,
                               latency_ms=answer.latency_ms, error=answer.error)
        delivery.attempts += 1
        now = timezone.now()
        wait = None
        if outcome == AttemptOutcome.SUCCEEDED:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                DeliveryStatus.SUCCEEDED, now, None)
        else:
            wait = next_delay(delivery.attempts)
            window_ends = delivery.created_at + timedelta(seconds=settings.WEBHOOK_RETRY_WINDOW_S)
            if now + timedelta(seconds=wait) > window_ends:
                delivery.status, delivery.next_attempt_at, wait = DeliveryStatus.FAILED, None, None
            else:
                delivery.next_attempt_at = now + timedelta(seconds=wait)
        delivery.save(update_fields=["status", "attempts", "next_attempt_at", "delivered_at"])
    log.info("webhook delivery attempt", extra={
        "delivery_id": delivery.pk, "outcome": outcome, "status_code": answer.status,
        "latency_ms": answer.latency_ms, "retry_in_s": wait})
    return wait


def due(grace_s: float = 30.0) -> list[int]:
    """Deliveries due for a while whose message was lost (a restart): the sweeper's."""
    limit = timezone.now() - timedelta(seconds=grace_s)
    return list(Delivery.objects.filter(status=DeliveryStatus.PENDING,
                                        next_attempt_at__lte=limit)
                .values_list("pk", flat=True)[:500])
