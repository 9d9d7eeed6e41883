"""Whether a sync gets changes in real time, for its page: "on · last event 12 s ago",
or "off — why" (the app sends no webhooks, the vendor refused, not registered yet),
and the deliveries refused on its connection."""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors.sdk.webhooks import APP_SIGNATURE
from syncapp.inbound.models import Endpoint, Refusal, RefusalCount, Subscription
from syncapp.inbound.registration import registers_per_account
from syncapp.integrations.catalog import connector_class
from syncapp.syncs.models import ObjectSync


@dataclass
class Realtime:
    on: bool
    reason: str = ""  # why it is off
    last_event_at: dt.datetime | None = None
    refused: list[tuple[str, int]] = field(default_factory=list)  # (reason label, count)

    @property
    def last_event_age(self) -> str:
        """How long ago the newest event came: 12 s, 3 min, 2 h, 4 d."""
        seconds = max(0, int((timezone.now() - self.last_event_at).total_seconds()))
        if seconds >= 86_400:
            return _("%(count)s d") % {"count": seconds // 86_400}
        if seconds >= 3_600:
            return _("%(count)s h") % {"count": seconds // 3_600}
        if seconds >= 60:
            return _("%(count)s min") % {"count": seconds // 60}
        return _("%(count)s s") % {"count": seconds}


def realtime(sync: ObjectSync) -> Realtime:
    cls = connector_class(sync.connection.app_key)
    app = cls.spec.name
    if not settings.INBOUND_REAL_TIME:
        return Realtime(False, _("real time is switched off on this installation; changes "
                                 "arrive by polling."))
    if cls.webhook_auth == APP_SIGNATURE:
        return _app_level(sync, app)
    if not registers_per_account(sync.connection.app_key, sync.app_object):
        return Realtime(False, _("%(app)s sends Syncapp no webhooks for this object; changes "
                                 "arrive by polling.") % {"app": app})
    endpoint = Endpoint.objects.filter(connection_id=sync.connection_id).first()
    refused = _refused(endpoint)
    if not sync.is_on:
        return Realtime(False, _("the sync is off."), refused=refused)
    registered = endpoint is not None and Subscription.objects.filter(
        endpoint=endpoint, app_object=sync.app_object).exists()
    if not registered:
        reason = (endpoint.off_reason if endpoint and endpoint.off_reason
                  else _("the webhook is not registered yet; changes arrive by polling."))
        return Realtime(False, reason, refused=refused)
    return Realtime(True, last_event_at=endpoint.last_event_at, refused=refused)


def _app_level(sync: ObjectSync, app: str) -> Realtime:
    """The app's subscriptions are set up once, on the app at the vendor: real time is on
    for a connection once its events arrive."""
    endpoint = Endpoint.objects.filter(connection_id=sync.connection_id).first()
    refused = _refused(endpoint)
    if not sync.is_on:
        return Realtime(False, _("the sync is off."), refused=refused)
    if endpoint is None or endpoint.last_event_at is None:
        url = settings.SITE_URL + reverse("inbound:app_endpoint",
                                          args=[sync.connection.app_key])
        return Realtime(False, _("no webhook from %(app)s yet (the app's webhook target is "
                                 "%(url)s); changes arrive by polling.") % {
            "app": app, "url": url}, refused=refused)
    return Realtime(True, last_event_at=endpoint.last_event_at, refused=refused)


def _refused(endpoint: Endpoint | None) -> list[tuple[str, int]]:
    if endpoint is None:
        return []
    rows = RefusalCount.objects.filter(endpoint=endpoint).exclude(reason=Refusal.DUPLICATE)
    return [(Refusal(row.reason).label, row.count) for row in rows.order_by("reason")]
