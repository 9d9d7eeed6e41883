"""Dataverse webhooks: a service endpoint per table, with a step per message.

Registering takes a `serviceendpoint` (contract 8, Webhook; authtype 4, WebhookKey:
Dataverse sends the key back as the `code` query parameter) and, for each of Create,
Update and Delete, an asynchronous post-operation `sdkmessageprocessingstep` filtered
to the table. Each delivery is a RemoteExecutionContext, of which only the message,
the table, the row id and the ids that make it unique are read: the product reads the
row again through the API.
https://learn.microsoft.com/power-apps/developer/data-platform/use-webhooks
https://learn.microsoft.com/power-apps/developer/data-platform/register-web-hook
"""

import datetime as dt
import re
from collections.abc import Iterable
from typing import Protocol

from connectors.dynamics.client import headers, is_guid, odata_string, query
from connectors.dynamics.entities import Entity
from connectors.sdk import ConnectorError, HttpClient
from connectors.sdk import ErrorCategory as Cat
from connectors.sdk.webhooks import MalformedWebhook, WebhookEvent, parse_moment

# sdkmessage name -> the SDK's action.
ACTIONS = {"Create": "create", "Update": "change", "Delete": "delete"}
WEBHOOK_CONTRACT = 8  # serviceendpoint.contract: Webhook
WEBHOOK_KEY_AUTH = 4  # serviceendpoint.authtype: WebhookKey (`?code=<key>`)
NORMAL_CONNECTION = 1  # serviceendpoint.connectionmode, a system-required column
ASYNCHRONOUS = 1  # sdkmessageprocessingstep.mode
POST_OPERATION = 40  # sdkmessageprocessingstep.stage
SERVER_ONLY = 0  # sdkmessageprocessingstep.supporteddeployment
_WCF_DATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?:[+-]\d{4})?\)/$")


class Environment(Protocol):
    """What registering a webhook uses of the connector (connector.py's
    DynamicsConnector, which calls this module): its HTTP client and Web API root."""

    http: HttpClient

    def web_api(self) -> str: ...

    def all_rows(self, url: str, *prefer: str) -> Iterable[dict]: ...


def register(connector: Environment, entity: Entity, url: str, key: str) -> str:
    """The endpoint and its three steps; returns "<endpoint id>:<step id>,…" (the steps
    go first when removing). On a refusal midway, what was made is removed again."""
    api = connector.web_api()
    endpoint_id = _create(connector, f"{api}/serviceendpoints", {
        "name": f"Syncapp {entity.set_name} {key[:6]}", "url": url,
        "contract": WEBHOOK_CONTRACT, "authtype": WEBHOOK_KEY_AUTH, "authvalue": key,
        "connectionmode": NORMAL_CONNECTION,
    }, "serviceendpointid")
    steps: list[str] = []
    try:
        for message, (message_id, filter_id) in _message_filters(connector, entity).items():
            steps.append(_create(connector, f"{api}/sdkmessageprocessingsteps", {
                "name": f"Syncapp: {message} of {entity.logical_name}",
                "mode": ASYNCHRONOUS, "stage": POST_OPERATION, "rank": 1,
                "supporteddeployment": SERVER_ONLY,
                "sdkmessageid@odata.bind": f"/sdkmessages({message_id})",
                "sdkmessagefilterid@odata.bind": f"/sdkmessagefilters({filter_id})",
                "eventhandler_serviceendpoint@odata.bind": f"/serviceendpoints({endpoint_id})",
            }, "sdkmessageprocessingstepid"))
    except ConnectorError:
        remove(connector, f"{endpoint_id}:{','.join(steps)}")
        raise
    return f"{endpoint_id}:{','.join(steps)}"


def remove(connector: Environment, webhook_id: str) -> None:
    """Delete the steps, then their endpoint (which Dataverse keeps while steps use it);
    one already gone is fine."""
    endpoint_id, _, steps = webhook_id.partition(":")
    api = connector.web_api()
    targets = [f"sdkmessageprocessingsteps({s})" for s in steps.split(",") if s]
    for target in [*targets, f"serviceendpoints({endpoint_id})"]:
        if not is_guid(target[target.index("(") + 1:-1]):
            raise ConnectorError(Cat.NOT_FOUND, f"{webhook_id!r} is not a Dataverse webhook.")
        try:
            connector.http.request("DELETE", f"{api}/{target}", headers=headers())
        except ConnectorError as exc:
            if exc.category != Cat.NOT_FOUND:
                raise


def events(payload: object, objects_by_logical: dict[str, str]) -> list[WebhookEvent]:
    """The one event of a RemoteExecutionContext, or none for a table we do not sync.

    The event id is RequestId + message + table + row: a retry or duplicate of a
    delivery repeats the whole context, so it repeats this id, while every operation
    has its own request. CorrelationId would not do: it is shared by everything one
    request sets off (a plug-in's later update of the same row included), so it would
    swallow a second, real change."""
    if not isinstance(payload, dict):
        raise MalformedWebhook("the body is not a RemoteExecutionContext object")
    for name in ("MessageName", "PrimaryEntityName", "PrimaryEntityId", "RequestId"):
        if not isinstance(payload.get(name), str) or not payload[name]:
            raise MalformedWebhook(f"{name} is missing")
    action = ACTIONS.get(payload["MessageName"])
    if action is None:
        raise MalformedWebhook(f"MessageName {payload['MessageName'][:20]!r} is unknown")
    if not is_guid(payload["PrimaryEntityId"]):
        raise MalformedWebhook("PrimaryEntityId is not a GUID")
    object_name = objects_by_logical.get(payload["PrimaryEntityName"])
    if object_name is None:
        return []
    record_id = payload["PrimaryEntityId"].lower()
    event_id = ":".join((payload["RequestId"][:60], payload["MessageName"],
                         payload["PrimaryEntityName"][:60], record_id))
    return [WebhookEvent(event_id=event_id, object_name=object_name, action=action,
                         record_id=record_id,
                         occurred_at=_moment(payload.get("OperationCreatedOn")))]


def _moment(raw: object) -> dt.datetime:
    """Dataverse serialises dates the WCF way, "/Date(1534277376000)/"; ISO text is
    taken too."""
    found = _WCF_DATE.match(raw) if isinstance(raw, str) else None
    return parse_moment(int(found["ms"]) / 1000 if found else raw)


def _message_filters(connector: Environment,
                     entity: Entity) -> dict[str, tuple[str, str]]:
    """{message: (sdkmessageid, sdkmessagefilterid)} for Create, Update and Delete of
    the table: a step names both its message and the message's filter for the table."""
    api = connector.web_api()
    names = " or ".join(f"name eq {odata_string(m)}" for m in ACTIONS)
    messages = {row["name"]: row["sdkmessageid"] for row in connector.all_rows(
        f"{api}/sdkmessages" + query(select="sdkmessageid,name", filter=names))}
    condition = f"primaryobjecttypecode eq {odata_string(entity.logical_name)}"
    filters = {row["_sdkmessageid_value"]: row["sdkmessagefilterid"] for row in connector.all_rows(
        f"{api}/sdkmessagefilters"
        + query(select="sdkmessagefilterid,_sdkmessageid_value", filter=condition))}
    found = {m: (messages[m], filters[messages[m]]) for m in ACTIONS
             if m in messages and messages[m] in filters}
    if len(found) < len(ACTIONS):
        raise ConnectorError(Cat.REJECTED, f"Dataverse offers no Create, Update and Delete "
                                           f"steps on {entity.logical_name}.")
    return found


def _create(connector: Environment, url: str, body: dict, key: str) -> str:
    reply = connector.http.request("POST", url + query(select=key), json=body,
                                   headers=headers("return=representation"))
    row_id = str((reply.body or {}).get(key, "")) if isinstance(reply.body, dict) else ""
    if not is_guid(row_id):
        raise ConnectorError(Cat.APP_UNAVAILABLE, f"Dataverse did not return the new {key}.")
    return row_id
