"""Registering webhooks with vendors that take them per account (Pipedrive, Dataverse).

A sync turned on (Save and sync, or on again) gets its app object's webhook,
pointing at its connection's endpoint with the credentials Syncapp generated; a
disconnect removes every webhook of the connection first, while the token still
works. A vendor that refuses leaves the sync on polling, and the endpoint keeps the
reason for the sync page. Registration is idempotent: one webhook per app object.
"""

import logging

from django.utils.translation import gettext as _

from connectors.sdk import ConnectorError
from connectors.sdk.webhooks import PER_ACCOUNT
from syncapp.inbound import credentials
from syncapp.inbound.endpoints import endpoint_for, receiving_url
from syncapp.inbound.models import Endpoint, Subscription
from syncapp.integrations.catalog import build_connector, connector_class
from syncapp.integrations.models import Connection
from syncapp.syncs.models import ObjectSync

log = logging.getLogger(__name__)


def registers_per_account(app_key: str, app_object: str) -> bool:
    """Whether the app takes a webhook per account for this object (an app whose
    plug-in is not installed, such as the bench's in-memory one, takes none)."""
    try:
        cls = connector_class(app_key)
    except LookupError:
        return False
    return cls.webhook_auth in PER_ACCOUNT and cls.spec.object(app_object).capabilities.webhooks


def awaits_registration(sync: ObjectSync) -> bool:
    """Whether `sync` should get its webhook now: on, past its initial sync (which reads
    everything anyway), for an app that takes one, not registered yet, and not refused
    (a refused one is tried again when a person turns the sync on)."""
    if not (sync.is_on and sync.initial_done
            and registers_per_account(sync.connection.app_key, sync.app_object)):
        return False
    endpoint = Endpoint.objects.filter(connection_id=sync.connection_id).first()
    if endpoint is None:
        return True
    return not endpoint.off_reason and not Subscription.objects.filter(
        endpoint=endpoint, app_object=sync.app_object).exists()


def register(sync: ObjectSync) -> bool:
    """Make sure the vendor sends `sync`'s app object's changes; False when it refused
    (the reason is kept on the endpoint) or does not take per-account webhooks."""
    connection = sync.connection
    if not registers_per_account(connection.app_key, sync.app_object):
        return False
    endpoint = endpoint_for(connection)
    if Subscription.objects.filter(endpoint=endpoint, app_object=sync.app_object).exists():
        return True
    secret = credentials.decrypt(endpoint.secret_ciphertext)
    try:
        vendor_id = build_connector(connection).register_webhook(
            sync.app_object, receiving_url(endpoint), user=secret.user, password=secret.password)
    except ConnectorError as exc:
        reason = _("%(app)s refused the webhook (%(why)s); changes arrive by polling.") % {
            "app": connector_class(connection.app_key).spec.name,
            "why": exc.vendor_message or exc.message}
        Endpoint.objects.filter(pk=endpoint.pk).update(off_reason=reason[:1000])
        log.warning("webhook registration refused", extra={
            "object_sync_id": sync.pk, "category": str(exc.category), "error": exc.message})
        return False
    Subscription.objects.create(portal_id=sync.portal_id, endpoint=endpoint,
                                app_object=sync.app_object, vendor_id=vendor_id)
    Endpoint.objects.filter(pk=endpoint.pk).update(off_reason="")
    log.info("webhook registered", extra={"object_sync_id": sync.pk, "vendor_id": vendor_id})
    return True


def remove_all(connection: Connection) -> None:
    """Ask the vendor to drop every webhook of `connection` (best effort: a vendor that
    cannot be reached keeps sending to an address that now answers 404)."""
    _remove(connection, Subscription.objects.filter(endpoint__connection=connection))


def remove_object(connection: Connection, app_object: str) -> None:
    """Drop the webhook of an app object no sync of the connection pairs any more (its
    sync was deleted), so deleted syncs never use up the vendor's webhook limit."""
    if ObjectSync.objects.filter(connection=connection, app_object=app_object).exists():
        return  # a new sync of the object took its place: it keeps the webhook
    _remove(connection, Subscription.objects.filter(endpoint__connection=connection,
                                                    app_object=app_object))


def _remove(connection: Connection, subscriptions) -> None:
    subscriptions = list(subscriptions)
    if not subscriptions:
        return
    connector = build_connector(connection)
    for subscription in subscriptions:
        try:
            connector.remove_webhook(subscription.vendor_id)
        except ConnectorError as exc:
            log.warning("webhook not removed at the vendor", extra={
                "connection_id": connection.pk, "vendor_id": subscription.vendor_id,
                "error": exc.message})
        subscription.delete()
