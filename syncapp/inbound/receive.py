"""One delivery from a vendor: verify, record once, start a debounced run.

The checks go from cheapest to dearest, and each refusal is counted on the
connection (`counts`) and starts no run: an address no endpoint has (404), a body
over 1 MB (413), missing or wrong credentials (basic auth, or a key in the `code`
query parameter: 401, and a log line), a body that is
not the vendor's JSON (400), an event older than 5 minutes (401: a replay, or a
delivery so late that polling has it already). A flood is different: past
INBOUND_EVENTS_PER_10S the excess is dropped and counted, and one debounced run still
starts, so the changes arrive through it. The event's values are never read: the run
reads the records through the API as a poll does.

Apps that sign with their OAuth client secret (HubSpot) post to one address for the
whole app (`receive_for_app`): the signed request timestamp tells its age, and the
events are routed by their account to each live connection of it.
"""

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors.sdk.webhooks import (
    APP_SIGNATURE,
    BASIC_AUTH,
    WEBHOOK_KEY,
    MalformedWebhook,
    WebhookEvent,
    WebhookRefused,
    WebhookRequest,
)
from syncapp.core.queue import UNREACHABLE
from syncapp.inbound import credentials
from syncapp.inbound.counts import count
from syncapp.inbound.debounce import nudge
from syncapp.inbound.endpoints import endpoint_for
from syncapp.inbound.models import Endpoint, Event, Refusal
from syncapp.integrations.catalog import connector_class, oauth_client
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.integrations.tokens import redis_client
from syncapp.syncs.models import ObjectSync, SyncState

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1_048_576
MAX_AGE = dt.timedelta(minutes=5)
FLOOD_WINDOW_S = 10


@dataclass
class Delivery:
    """What the view hands over: the address's parts, the headers, the raw body, and
    the public URL the vendor called (what an app-level signature covers)."""

    app_key: str
    route: str
    headers: dict[str, str]
    body: bytes
    url: str = ""
    method: str = "POST"


@dataclass
class Answer:
    status: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)


class Refused(Exception):
    def __init__(self, status: int, reason: Refusal, message: str, **headers: str):
        super().__init__(message)
        self.answer = Answer(status, message, headers)
        self.reason = reason


def receive(delivery: Delivery) -> Answer:
    endpoint = _endpoint(delivery)
    if endpoint is None:
        count(None, Refusal.UNKNOWN_ENDPOINT, f"{delivery.app_key}/{delivery.route[:40]}")
        return Answer(404, _("No connection receives webhooks at this address."))
    try:
        events = _verified_events(endpoint, delivery)
    except Refused as refused:
        count(endpoint, refused.reason, refused.answer.message)
        return refused.answer
    return _accept(endpoint, events)


def receive_for_app(delivery: Delivery) -> Answer:
    """A delivery to an app's one endpoint (APP_SIGNATURE: HubSpot): the signature is the
    app's, the events name their accounts, and each event goes to every live connection
    of its account (one account may be connected in several portals). Refusals before
    the routing are counted on the installation (no endpoint)."""
    try:
        cls = connector_class(delivery.app_key)
        secret = oauth_client(cls).client_secret if cls.webhook_auth == APP_SIGNATURE else ""
    except (LookupError, ImproperlyConfigured):
        secret = ""
    if not secret:
        count(None, Refusal.UNKNOWN_ENDPOINT, delivery.app_key[:40])
        return Answer(404, _("No connection receives webhooks at this address."))
    try:
        events = _signed_events(cls, secret, delivery)
    except Refused as refused:
        count(None, refused.reason, f"{delivery.app_key}: {refused.answer.message}")
        return refused.answer
    routed = _route_by_account(delivery.app_key, events)
    if events and not routed:
        accounts = sorted({e.account_id for e in events})
        count(None, Refusal.UNKNOWN_ENDPOINT, f"{delivery.app_key}: {', '.join(accounts)}"[:300])
        return Answer(404, _("No connection receives webhooks at this address."))
    for endpoint, its_events in routed:
        _accept(endpoint, its_events)
    return Answer(200, _("Received."))


def _signed_events(cls, secret: str, delivery: Delivery) -> list[WebhookEvent]:
    if len(delivery.body) > MAX_BODY_BYTES:
        raise Refused(413, Refusal.TOO_LARGE, _("The body is over 1 MB."))
    request = WebhookRequest(delivery.method, delivery.url, delivery.headers, delivery.body)
    try:
        cls.verify_webhook(request, secret, time.time())
    except WebhookRefused as refused:
        log.warning("inbound webhook with a bad signature refused",
                    extra={"app": delivery.app_key, "reason": refused.reason})
        if refused.reason == "stale":
            raise Refused(401, Refusal.STALE,
                          _("The event is older than 5 minutes; refused.")) from None
        raise Refused(401, Refusal.BAD_CREDENTIALS, _("Bad or missing credentials.")) from None
    return _parsed(cls, delivery.body)


def _route_by_account(app_key: str, events: list[WebhookEvent]):
    """[(endpoint, its events)] for every live connection of the events' accounts."""
    accounts = {event.account_id for event in events}
    connections = Connection.objects.filter(app_key=app_key, account_id__in=accounts,
                                            status=ConnectionStatus.CONNECTED)
    return [(endpoint_for(connection),
             [e for e in events if e.account_id == connection.account_id])
            for connection in connections]


def _endpoint(delivery: Delivery) -> Endpoint | None:
    endpoint = (Endpoint.objects.select_related("connection")
                .filter(route=delivery.route, connection__app_key=delivery.app_key).first())
    if endpoint is None or endpoint.connection.status == ConnectionStatus.DISCONNECTED:
        return None
    return endpoint


def _verified_events(endpoint: Endpoint, delivery: Delivery) -> list[WebhookEvent]:
    if len(delivery.body) > MAX_BODY_BYTES:
        raise Refused(413, Refusal.TOO_LARGE, _("The body is over 1 MB."))
    cls = connector_class(endpoint.connection.app_key)
    _check_credentials(endpoint, cls.webhook_auth, delivery)
    events = _parsed(cls, delivery.body)
    # Basic auth and a key sign nothing: the events' own times tell a replay.
    oldest = timezone.now() - MAX_AGE
    if any(event.occurred_at < oldest for event in events):
        raise Refused(401, Refusal.STALE, _("The event is older than 5 minutes; refused."))
    return events


def _parsed(cls, body: bytes) -> list[WebhookEvent]:
    try:
        return cls.webhook_events(json.loads(body))
    except (ValueError, UnicodeDecodeError) as exc:  # MalformedWebhook is a ValueError
        detail = str(exc) if isinstance(exc, MalformedWebhook) else _("not JSON")
        raise Refused(400, Refusal.MALFORMED,
                      _("Malformed webhook payload: %(detail)s") % {"detail": detail}) from None


def _check_credentials(endpoint: Endpoint, auth: str, delivery: Delivery) -> None:
    expected = credentials.decrypt(endpoint.secret_ciphertext)
    if auth == BASIC_AUTH and credentials.basic_auth_matches(
            delivery.headers.get("authorization", ""), expected):
        return
    if auth == WEBHOOK_KEY and credentials.key_matches(delivery.url, expected):
        return
    log.warning("inbound webhook with bad or missing credentials refused",
                extra={"connection_id": endpoint.connection_id})
    challenge = {"WWW-Authenticate": 'Basic realm="syncapp"'} if auth == BASIC_AUTH else {}
    raise Refused(401, Refusal.BAD_CREDENTIALS, _("Bad or missing credentials."), **challenge)


def _accept(endpoint: Endpoint, events: list[WebhookEvent]) -> Answer:
    objects = {event.object_name for event in events}
    dropped = len(events) if _flooding(endpoint, len(events)) else 0
    fresh = [] if dropped else [event for event in events if _record_once(endpoint, event)]
    if dropped:
        count(endpoint, Refusal.FLOOD, _("Events over the limit were dropped."), n=dropped)
    elif len(fresh) < len(events):
        count(endpoint, Refusal.DUPLICATE, n=len(events) - len(fresh))
    if events:
        Endpoint.objects.filter(pk=endpoint.pk).update(last_event_at=timezone.now())
    if dropped or fresh:
        # A flood still starts (debounced) runs: the dropped events' changes come
        # through them, not through the next poll.
        nudge(_syncs_of(endpoint, {e.object_name for e in fresh} if fresh else objects))
    return Answer(200, _("Received."))


def _record_once(endpoint: Endpoint, event: WebhookEvent) -> bool:
    try:
        with transaction.atomic():
            Event.objects.create(portal_id=endpoint.portal_id, endpoint=endpoint,
                                 event_id=event.event_id[:200], app_object=event.object_name,
                                 action=event.action, record_id=event.record_id[:200],
                                 occurred_at=event.occurred_at)
    except IntegrityError:
        return False
    return True


def _flooding(endpoint: Endpoint, n: int) -> bool:
    """Whether these `n` events take the connection over its limit in this window."""
    # The window starts with its first event and lasts FLOOD_WINDOW_S.
    key = f"syncapp:inbound:flood:{endpoint.pk}"
    try:
        with redis_client().pipeline() as pipe:
            pipe.set(key, 0, ex=FLOOD_WINDOW_S, nx=True)
            pipe.incrby(key, n)
            seen = pipe.execute()[1]
    except UNREACHABLE:
        return False
    return seen > settings.INBOUND_EVENTS_PER_10S


def _syncs_of(endpoint: Endpoint, app_objects: set[str]) -> list[int]:
    """The syncs to run: on, and past their initial sync (whose run reads everything)."""
    return list(ObjectSync.objects.filter(
        connection_id=endpoint.connection_id, app_object__in=app_objects, state=SyncState.ON,
        initial_done=True,
    ).values_list("pk", flat=True))
