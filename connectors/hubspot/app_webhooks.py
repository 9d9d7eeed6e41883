"""Setting up the app's webhooks at HubSpot: once for the whole app (not per account),
through the developer API, authenticated with the developer API key (`hapikey`), not an
account's token.

The target URL is set, then one subscription per event type the product needs is
added where missing: creation and deletion of each object it can sync, and one
propertyChange per writable field (HubSpot's propertyChange subscriptions name one
property each). Subscriptions already there are kept.
https://developers.hubspot.com/docs/api-reference/legacy/webhooks/settings/update-setting
https://developers.hubspot.com/docs/api-reference/legacy/webhooks/subscriptions/create-subscription
"""

from collections.abc import Iterable

import requests

from connectors.sdk.spec import ObjectSpec

# Objects whose events HubSpot sends to apps (subscriptionType "<entity>.<kind>").
ENTITIES = {"contacts": "contact", "companies": "company", "deals": "deal",
            "products": "product", "tickets": "ticket"}
TIMEOUT_S = 30


def wanted(objects: Iterable[ObjectSpec]) -> list[tuple[str, str | None]]:
    """(eventType, propertyName or None) of every subscription the product needs."""
    found: list[tuple[str, str | None]] = []
    for spec in objects:
        entity = ENTITIES.get(spec.name)
        if entity is None:
            continue
        found += [(f"{entity}.creation", None), (f"{entity}.deletion", None)]
        found += [(f"{entity}.propertyChange", field.name) for field in spec.fields
                  if not field.read_only]
    return found


def configure(api_root: str, app_id: str, developer_key: str, target_url: str,
              objects: Iterable[ObjectSpec], *,
              session: requests.Session | None = None) -> int:
    """Point the app's webhooks at `target_url` and add the missing subscriptions; how
    many were added. requests.HTTPError when HubSpot refuses a call."""
    http = session or requests.Session()
    base = f"{api_root.rstrip('/')}/webhooks/v3/{app_id}"
    key = {"hapikey": developer_key}
    settings = {"targetUrl": target_url,
                "throttling": {"maxConcurrentRequests": 10, "period": "SECONDLY"}}
    http.put(f"{base}/settings", params=key, json=settings,
             timeout=TIMEOUT_S).raise_for_status()
    listed = http.get(f"{base}/subscriptions", params=key, timeout=TIMEOUT_S)
    listed.raise_for_status()
    have = {(s.get("eventType"), s.get("propertyName")) for s in listed.json()["results"]}
    added = 0
    for event_type, name in wanted(objects):
        if (event_type, name) in have:
            continue
        body = {"eventType": event_type, "active": True,
                **({"propertyName": name} if name else {})}
        http.post(f"{base}/subscriptions", params=key, json=body,
                  timeout=TIMEOUT_S).raise_for_status()
        added += 1
    return added
