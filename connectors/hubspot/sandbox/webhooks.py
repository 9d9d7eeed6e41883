"""The HubSpot sandbox's webhooks: the app's settings and subscriptions (the developer
API, authenticated with the developer API key in `hapikey`), and the deliveries.

HubSpot configures webhooks on the app, not per account: one target URL, and
subscriptions by event type (a propertyChange one names its property). After each
request, the changes it made in every portal that installed the app become events,
sent in batches of up to 100 per POST, signed with the app's client secret
(X-HubSpot-Signature-v3), `attemptNumber` counting from 0; a 400, 401, 403, 404 or
405 is never retried, anything else is.
https://developers.hubspot.com/docs/api/webhooks
https://developers.hubspot.com/docs/api-reference/legacy/webhooks/settings/update-setting
https://developers.hubspot.com/docs/api-reference/legacy/webhooks/subscriptions/create-subscription
"""

import functools
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from connectors.hubspot.sandbox.routing import json_body
from connectors.hubspot.sandbox.schema import property_map
from connectors.hubspot.sandbox.store import Portal
from connectors.hubspot.sandbox.validate import HubSpotError, iso
from connectors.hubspot.webhooks import signature_v3
from connectors.sdk.sandbox import Response, Sandbox, route
from connectors.sdk.sandbox.oauth import SANDBOX_CLIENT_ID
from connectors.sdk.sandbox.webhooks import Delivery

# The sandbox's one app, as its developer account knows it.
SANDBOX_APP_ID = 4410900
SANDBOX_DEVELOPER_API_KEY = "syncapp-sandbox-developer-key"  # a public test credential
BATCH_SIZE = 100
# HubSpot does not retry these answers.
FINAL_STATUSES = frozenset({400, 401, 403, 404, 405})
# The event types the sandbox delivers: creation, deletion and propertyChange of these
# objects. HubSpot has more (merge, restore, associationChange, conversations...),
# which the sandbox refuses rather than accepting and never sending.
OBJECTS = {"contact": "contacts", "company": "companies", "deal": "deals",
           "product": "products", "ticket": "tickets", "line_item": "line_items"}
KINDS = ("creation", "deletion", "propertyChange")
_SETTINGS_KEYS = {"targetUrl", "throttling"}
_THROTTLING_KEYS = {"maxConcurrentRequests", "period"}
_PERIODS = {"SECONDLY", "ROLLING_MINUTE"}
_SUBSCRIPTION_KEYS = {"eventType", "propertyName", "active"}


@dataclass
class AppWebhooks:
    """The app's webhook configuration in the developer account."""

    settings: dict | None = None  # targetUrl, throttling, createdAt, updatedAt
    subscriptions: dict[int, dict] = field(default_factory=dict)
    next_id: int = 1


def _bad(message: str, status: int = 400) -> HubSpotError:
    category = {404: "OBJECT_NOT_FOUND", 409: "CONFLICT"}.get(status, "VALIDATION_ERROR")
    return HubSpotError(status, message, category)


class WebhookRoutes(Sandbox):
    """Mixed into HubSpotSandbox: the developer API's webhook endpoints, and the events."""

    app_webhooks: AppWebhooks
    if TYPE_CHECKING:
        def error(self, status: int, message: str, **extra) -> Response: ...

    # --- the developer API -------------------------------------------------------------

    def _developer(self, request, app_id: str) -> AppWebhooks:
        """The app, after HubSpot's checks of the developer API key and the app id."""
        unknown = sorted(set(request.query) - {"hapikey"})
        if unknown:
            raise _bad(f"Unknown query parameter(s): {', '.join(unknown)}")
        if request.arg("hapikey") != SANDBOX_DEVELOPER_API_KEY:
            raise HubSpotError(401, "The API key provided is invalid. View or manage your "
                               "API key here: https://app.hubspot.com/l/api-key/",
                               "INVALID_AUTHENTICATION")
        if app_id != str(SANDBOX_APP_ID):
            raise _bad(f"App {app_id} not found", 404)
        return self.app_webhooks

    def _answer(self, handler, request, app_id, *args) -> Response:
        try:
            with self.lock:
                return handler(self._developer(request, app_id), request, *args)
        except HubSpotError as exc:
            return Response.json(exc.body(), exc.status)

    @route("GET", "/webhooks/v3/{app_id}/settings", auth=False)
    def webhook_settings_get(self, request, app_id):
        return self._answer(_settings_get, request, app_id)

    @route("PUT", "/webhooks/v3/{app_id}/settings", auth=False)
    def webhook_settings_put(self, request, app_id):
        return self._answer(_settings_put, request, app_id)

    @route("DELETE", "/webhooks/v3/{app_id}/settings", auth=False)
    def webhook_settings_delete(self, request, app_id):
        return self._answer(_settings_delete, request, app_id)

    @route("GET", "/webhooks/v3/{app_id}/subscriptions", auth=False)
    def webhook_subscriptions_list(self, request, app_id):
        return self._answer(_subscriptions_list, request, app_id)

    @route("POST", "/webhooks/v3/{app_id}/subscriptions", auth=False)
    def webhook_subscriptions_create(self, request, app_id):
        return self._answer(_subscription_create, request, app_id)

    @route("DELETE", "/webhooks/v3/{app_id}/subscriptions/{subscription_id}", auth=False)
    def webhook_subscriptions_delete(self, request, app_id, subscription_id):
        return self._answer(_subscription_delete, request, app_id, subscription_id)

    # --- deliveries ----------------------------------------------------------------------

    def send_webhooks(self) -> None:
        with self.lock:
            self.outbox.extend(self._app_deliveries())
        super().send_webhooks()

    def _app_deliveries(self) -> list[Delivery]:
        """The events of every change since the last call, in batches of BATCH_SIZE."""
        portals = [a for a in self.accounts.values() if isinstance(a, Portal)]
        changes = [(portal, change) for portal in portals for change in portal.changes]
        for portal in portals:
            portal.changes = []
        target = (self.app_webhooks.settings or {}).get("targetUrl")
        if not changes or not target:
            return []
        installed = {t.account_id for t in self.refresh_tokens.values()}
        events = [event for portal, change in changes if portal.id in installed
                  for event in self._events(portal, change)]
        sign = functools.partial(signed_headers, self.clients[SANDBOX_CLIENT_ID])
        return [Delivery(target, events[at:at + BATCH_SIZE], attempt_at=("attemptNumber",),
                         first_attempt=0, sign=sign, final_statuses=FINAL_STATUSES)
                for at in range(0, len(events), BATCH_SIZE)]

    def _events(self, portal: Portal, change: tuple) -> list[dict]:
        kind, object_type, object_id, names, at_ms = change
        entity = next((e for e, t in OBJECTS.items() if t == object_type), None)
        events = []
        for sub in self.app_webhooks.subscriptions.values():
            if not sub["active"] or sub["eventType"] != f"{entity}.{kind}":
                continue
            if kind == "propertyChange" and sub["propertyName"] not in names:
                continue
            event = {"eventId": uuid.uuid4().int >> 66, "subscriptionId": sub["id"],
                     "portalId": portal.hub_id, "appId": SANDBOX_APP_ID, "occurredAt": at_ms,
                     "subscriptionType": sub["eventType"], "attemptNumber": 0,
                     "objectId": int(object_id), "changeSource": "API"}
            if kind == "propertyChange":
                record = portal.table(object_type)[object_id]
                event.update(propertyName=sub["propertyName"],
                             propertyValue=record["properties"].get(sub["propertyName"]) or "")
            events.append(event)
        return events


def signed_headers(client_secret: str, url: str, body: bytes) -> dict[str, str]:
    """X-HubSpot-Signature-v3 over POST, the target URL, the body and the timestamp."""
    timestamp = str(int(time.time() * 1000))
    return {"X-HubSpot-Signature-v3": signature_v3(client_secret, "POST", url, body,
                                                   timestamp),
            "X-HubSpot-Request-Timestamp": timestamp}


# --- the developer API's handlers ---------------------------------------------------------


def _settings_get(app: AppWebhooks, request) -> Response:
    if app.settings is None:
        raise _bad("No webhook settings found for the app", 404)
    return Response.json(app.settings)


def _settings_put(app: AppWebhooks, request) -> Response:
    body = json_body(request)
    if not isinstance(body, dict) or set(body) - _SETTINGS_KEYS:
        raise _bad(f"Invalid input JSON: only {sorted(_SETTINGS_KEYS)} are accepted")
    target = body.get("targetUrl")
    if not isinstance(target, str) or not target.startswith(("https://", "http://")):
        raise _bad("targetUrl is required and must be an absolute URL")
    throttling = body.get("throttling")
    if not isinstance(throttling, dict) or set(throttling) - _THROTTLING_KEYS:
        raise _bad("throttling is required: {maxConcurrentRequests, period}")
    concurrent = throttling.get("maxConcurrentRequests")
    if isinstance(concurrent, bool) or not isinstance(concurrent, int) or concurrent < 1:
        raise _bad("throttling.maxConcurrentRequests must be a positive integer")
    if throttling.get("period", "SECONDLY") not in _PERIODS:
        raise _bad(f"throttling.period must be one of {sorted(_PERIODS)}")
    now = iso(int(time.time() * 1000))
    created = (app.settings or {}).get("createdAt", now)
    app.settings = {"createdAt": created, "targetUrl": target, "throttling": throttling,
                    "updatedAt": now}
    return Response.json(app.settings)


def _settings_delete(app: AppWebhooks, request) -> Response:
    app.settings = None
    return Response(204)


def _subscriptions_list(app: AppWebhooks, request) -> Response:
    return Response.json({"results": list(app.subscriptions.values())})


def _subscription_create(app: AppWebhooks, request) -> Response:
    body = json_body(request)
    if not isinstance(body, dict) or set(body) - _SUBSCRIPTION_KEYS:
        raise _bad(f"Invalid input JSON: only {sorted(_SUBSCRIPTION_KEYS)} are accepted")
    event_type = body.get("eventType")
    entity, _, kind = str(event_type).partition(".")
    if entity not in OBJECTS or kind not in KINDS:
        raise _bad(f"eventType {event_type!r} is not one the sandbox delivers: "
                   f"<{'|'.join(OBJECTS)}>.<{'|'.join(KINDS)}>")
    name = body.get("propertyName")
    if kind == "propertyChange" and (not isinstance(name, str)
                                     or name not in property_map(OBJECTS[entity])):
        raise _bad(f"propertyName {name!r} is not a property of {OBJECTS[entity]}")
    if kind != "propertyChange" and name is not None:
        raise _bad("propertyName is only taken by propertyChange subscriptions")
    active = body.get("active", True)
    if not isinstance(active, bool):
        raise _bad("active must be true or false")
    if any(s["eventType"] == event_type and s.get("propertyName") == name
           for s in app.subscriptions.values()):
        raise _bad(f"A subscription to {event_type} {name or ''} already exists", 409)
    now = iso(int(time.time() * 1000))
    subscription = {"id": app.next_id, "eventType": event_type, "active": active,
                    "createdAt": now, "updatedAt": now}
    if name is not None:
        subscription["propertyName"] = name
    app.subscriptions[app.next_id] = subscription
    app.next_id += 1
    return Response.json(subscription, 201)


def _subscription_delete(app: AppWebhooks, request, subscription_id: str) -> Response:
    found = app.subscriptions.pop(int(subscription_id), None) \
        if subscription_id.isdigit() else None
    if found is None:
        raise _bad(f"Subscription {subscription_id} not found", 404)
    return Response(204)
