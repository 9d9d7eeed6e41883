"""HubSpot's webhooks: one target URL for the whole app, batches of up to 100 events,
each request signed with the app's client secret (`X-HubSpot-Signature-v3`).

The v3 signature is base64(HMAC-SHA256(client secret, method + URI + body +
timestamp)), the URI as HubSpot called it with a few percent-escapes decoded, the
timestamp `X-HubSpot-Request-Timestamp` in milliseconds; a request more than
5 minutes old is refused.
https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests
https://developers.hubspot.com/docs/api/webhooks
"""

import base64
import hashlib
import hmac

from connectors.sdk.webhooks import (
    MalformedWebhook,
    WebhookEvent,
    WebhookRefused,
    WebhookRequest,
    parse_moment,
)

MAX_AGE_S = 300
# Escapes HubSpot decodes in the URI before signing.
_DECODED = {"%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$",
            "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";"}
# subscriptionType "contact.propertyChange" -> (object, action).
_OBJECTS = {"contact": "contacts", "company": "companies", "deal": "deals",
            "product": "products", "ticket": "tickets"}
_ACTIONS = {"creation": "create", "propertyChange": "change", "deletion": "delete",
            "privacyDeletion": "delete", "restore": "create", "merge": "change",
            "associationChange": "change"}


def signature_v3(client_secret: str, method: str, url: str, body: bytes,
                 timestamp: str) -> str:
    uri = url
    for escape, char in _DECODED.items():
        uri = uri.replace(escape, char).replace(escape.lower(), char)
    source = method.upper().encode() + uri.encode() + body + timestamp.encode()
    digest = hmac.new(client_secret.encode(), source, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify(request: WebhookRequest, client_secret: str, now: float) -> None:
    given = request.headers.get("x-hubspot-signature-v3", "")
    timestamp = request.headers.get("x-hubspot-request-timestamp", "")
    if not given or not timestamp.isdigit():
        raise WebhookRefused("credentials", "X-HubSpot-Signature-v3 or its timestamp is missing")
    expected = signature_v3(client_secret, request.method, request.url, request.body,
                            timestamp)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise WebhookRefused("credentials", "X-HubSpot-Signature-v3 does not match")
    if now - int(timestamp) / 1000 > MAX_AGE_S:
        raise WebhookRefused("stale", "X-HubSpot-Request-Timestamp is over 5 minutes old")


def events(payload: object) -> list[WebhookEvent]:
    """The events of one batch that concern objects we sync."""
    if not isinstance(payload, list):
        raise MalformedWebhook("the body is not a list of events")
    found = []
    for item in payload:
        if not isinstance(item, dict):
            raise MalformedWebhook("an event is not an object")
        for name in ("eventId", "portalId", "objectId", "subscriptionType", "occurredAt"):
            if item.get(name) in (None, "") or isinstance(item.get(name), bool | dict | list):
                raise MalformedWebhook(f"{name} is missing")
        entity, _, change = str(item["subscriptionType"]).partition(".")
        if entity not in _OBJECTS or change not in _ACTIONS:
            continue
        found.append(WebhookEvent(
            event_id=str(item["eventId"]), object_name=_OBJECTS[entity],
            action=_ACTIONS[change], record_id=str(item["objectId"]),
            occurred_at=parse_moment(item["occurredAt"]), account_id=str(item["portalId"])))
    return found
