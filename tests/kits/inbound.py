"""Deliveries as Pipedrive and Dataverse send them, and the runs they leave on the real broker."""

import base64
import datetime as dt
import json
import uuid
from urllib.parse import urlencode

import redis
import requests
from django.conf import settings
from django.urls import reverse

from connectors.hubspot.sandbox.webhooks import SANDBOX_APP_ID, SANDBOX_DEVELOPER_API_KEY
from syncapp.inbound import credentials
from syncapp.inbound.debounce import _key as debounce_key
from syncapp.inbound.models import Endpoint
from syncapp.integrations.catalog import connector_class
from syncapp.integrations.models import Connection
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import ObjectSync, SyncState

ROW_ID = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"


def pipedrive_event(entity: str = "person", entity_id: int = 1, *, action: str = "change",
                    event_id: str | None = None, at: dt.datetime | None = None) -> dict:
    """A webhooks v2 body (only `meta` matters to Syncapp)."""
    at = at or dt.datetime.now(dt.UTC)
    return {"meta": {"action": action, "entity": entity, "entity_id": str(entity_id),
                     "id": event_id or str(uuid.uuid4()), "version": "2.0", "attempt": 1,
                     "timestamp": at.strftime("%Y-%m-%dT%H:%M:%S.000Z")},
            "data": {"id": entity_id, "name": "Never written"}, "previous": None}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def deliver(client, endpoint: Endpoint, body, *, auth: str | None = None):
    """POST `body` (a dict, or raw bytes) as the vendor would, with the endpoint's own
    credentials unless `auth` says otherwise ("" for none)."""
    if auth is None:
        secret = credentials.decrypt(endpoint.secret_ciphertext)
        auth = basic(secret.user, secret.password)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"HTTP_AUTHORIZATION": auth} if auth else {}
    url = reverse("inbound:endpoint", args=[endpoint.connection.app_key, endpoint.route])
    return client.post(url, raw, content_type="application/json", **headers)


def dataverse_context(logical: str = "contact", row_id: str = ROW_ID, *,
                      message: str = "Update", request_id: str | None = None,
                      at: dt.datetime | None = None) -> dict:
    """A RemoteExecutionContext as Dataverse POSTs it (the fields Syncapp reads, and a
    value it never writes)."""
    at = at or dt.datetime.now(dt.UTC)
    return {"MessageName": message, "PrimaryEntityName": logical, "PrimaryEntityId": row_id,
            "RequestId": request_id or str(uuid.uuid4()), "CorrelationId": str(uuid.uuid4()),
            "OperationCreatedOn": f"/Date({int(at.timestamp() * 1000)})/", "Stage": 40,
            "InputParameters": [{"key": "Target", "value": {"firstname": "Never written"}}]}


def deliver_keyed(client, endpoint: Endpoint, body, *, code: str | None = None):
    """POST `body` as Dataverse would, to the endpoint's address with `?code=` its own
    key unless `code` says otherwise ("" for none)."""
    if code is None:
        code = credentials.decrypt(endpoint.secret_ciphertext).password
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    url = reverse("inbound:endpoint", args=[endpoint.connection.app_key, endpoint.route])
    return client.post(url + (f"?{urlencode({'code': code})}" if code else ""), raw,
                       content_type="application/json")


def make_connection(portal, account_id: str = "1001") -> Connection:
    return Connection.objects.create(portal=portal, app_key="pipedrive", account_id=account_id,
                                     account_name=f"Company {account_id}")


def make_sync(connection: Connection, app_object: str = "persons") -> ObjectSync:
    """An object sync that is on, past its initial sync."""
    sync = create_object_sync(connection, app_object, connector_class(connection.app_key))
    sync.state = SyncState.ON
    sync.initial_done = True
    sync.save()
    return sync


def forget_debounce(*syncs: ObjectSync) -> None:
    """As if the syncs' last runs were long ago (ids repeat across test databases)."""
    redis.Redis.from_url(settings.REDIS_URL).delete(*(debounce_key(s.pk) for s in syncs))


def hubspot_app_webhooks(sandbox_root: str, target: str, *event_types: str) -> None:
    """Configure the HubSpot sandbox app's webhooks as its developer does once, through
    the developer API: the target URL, then the subscriptions ("contact.propertyChange:
    firstname" names its property)."""
    base = f"{sandbox_root}/webhooks/v3/{SANDBOX_APP_ID}"
    key = {"hapikey": SANDBOX_DEVELOPER_API_KEY}
    settings_body = {"targetUrl": target, "throttling": {"maxConcurrentRequests": 10,
                                                         "period": "SECONDLY"}}
    requests.put(f"{base}/settings", params=key, json=settings_body,
                 timeout=10).raise_for_status()
    for event_type in event_types:
        kind, _, name = event_type.partition(":")
        body = {"eventType": kind, "active": True, **({"propertyName": name} if name else {})}
        requests.post(f"{base}/subscriptions", params=key, json=body,
                      timeout=10).raise_for_status()
