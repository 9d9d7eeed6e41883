"""Managing a portal's webhook subscriptions: create, rotate the secret, delete,
redeliver. Each refuses bad input with WebhookError before writing anything, and
records its audit entry in its own transaction."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.core.outbound import OutboundRefused, check_url
from syncapp.core.queue import enqueue
from syncapp.webhooks import signing
from syncapp.webhooks.models import Delivery, DeliveryStatus, Event, Subscription
from syncapp.webhooks.subscription_secrets import encrypt_secret
from syncapp.webhooks.tasks import deliver

ROTATION_OVERLAP = timedelta(hours=24)
MAX_SUBSCRIPTIONS = 20


class WebhookError(ValueError):
    """A refused webhook action; `field` names the form field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def clean_events(values: list[str]) -> list[str]:
    known = set(Event.values)
    if not values:
        raise WebhookError("events", _("Choose at least one event."))
    unknown = [v for v in values if v not in known]
    if unknown:
        raise WebhookError("events", _("Unknown event: %(event)s.") % {"event": unknown[0]})
    return [e for e in Event.values if e in values]


def create(portal, url: str, events: list[str], *, by) -> tuple[Subscription, str]:
    """A new subscription and its secret, which the caller shows once."""
    try:
        url = check_url(url)
    except OutboundRefused as exc:
        raise WebhookError("url", str(exc)) from None
    events = clean_events(events)
    if Subscription.objects.for_portal(portal).count() >= MAX_SUBSCRIPTIONS:
        raise WebhookError("url", _("A portal has at most %(max)s webhooks.")
                           % {"max": MAX_SUBSCRIPTIONS})
    secret = signing.new_secret()
    user = getattr(by, "user", by)
    with transaction.atomic():
        subscription = Subscription.objects.create(
            portal=portal, url=url, events=events, secret_ciphertext=encrypt_secret(secret),
            created_by=user if getattr(user, "is_authenticated", False) else None)
        audit.record(by, AuditAction.WEBHOOK_CREATED, subscription,
                     {"url": url, "events": events}, portal=portal)
    return subscription, secret


def rotate(subscription: Subscription, *, by) -> str:
    """A new secret; the old one keeps signing (beside it) for 24 hours."""
    secret = signing.new_secret()
    with transaction.atomic():
        locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
        locked.previous_secret_ciphertext = locked.secret_ciphertext
        locked.previous_valid_until = timezone.now() + ROTATION_OVERLAP
        locked.secret_ciphertext = encrypt_secret(secret)
        locked.save(update_fields=["previous_secret_ciphertext", "previous_valid_until",
                                   "secret_ciphertext"])
        audit.record(by, AuditAction.WEBHOOK_ROTATED, locked, {"url": locked.url},
                     portal=locked.portal)
    return secret


def delete(subscription: Subscription, *, by) -> None:
    with transaction.atomic():
        audit.record(by, AuditAction.WEBHOOK_DELETED, subscription, {"url": subscription.url},
                     portal=subscription.portal)
        subscription.delete()


def redeliver(delivery: Delivery) -> Delivery:
    """Send the same message (same webhook-id) again now, whatever it did before."""

    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now())
        enqueue(deliver, delivery.pk)  # refused (nothing changed) if the broker is down
    delivery.refresh_from_db()
    return delivery
