"""The Dynamics sandbox's webhooks: the registration tables (`sdkmessages`,
`sdkmessagefilters`, `serviceendpoints`, `sdkmessageprocessingsteps`) as far as a
webhook needs them, and a RemoteExecutionContext POSTed to each endpoint whose step
matches a create, update or delete. Anything else about them is refused in
Dataverse's error shape (BEHAVIOR.md).
https://learn.microsoft.com/power-apps/developer/data-platform/use-webhooks
"""

import re
import uuid
from urllib.parse import quote

from connectors.dynamics.sandbox.schema import BY_LOGICAL, Table
from connectors.dynamics.sandbox.store import DataverseError, Environment
from connectors.sdk.sandbox.webhooks import Delivery

SETS = ("sdkmessages", "sdkmessagefilters", "serviceendpoints", "sdkmessageprocessingsteps")
# The sdkmessage rows: one id per message in every environment, as in Dataverse.
MESSAGES = {name: str(uuid.uuid5(uuid.NAMESPACE_URL, f"sdkmessage/{name}"))
            for name in ("Create", "Update", "Delete")}
ENDPOINT_KEYS = {"name", "url", "contract", "authtype", "authvalue", "connectionmode",
                 "description"}
STEP_KEYS = {"name", "mode", "stage", "rank", "supporteddeployment", "description",
             "asyncautodelete", "sdkmessageid@odata.bind", "sdkmessagefilterid@odata.bind",
             "eventhandler_serviceendpoint@odata.bind"}
SYSTEM_ROW = {"@odata.etag": 'W/"1"'}  # rows Dataverse ships, never changed
_NAME_EQ = re.compile(r"^name eq '(\w+)'$")
_TYPE_EQ = re.compile(r"^primaryobjecttypecode eq '(\w+)'$")
_BIND = re.compile(r"^/(?P<set>\w+)\((?P<id>[0-9a-f-]{36})\)$")


def filter_id(message: str, logical: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sdkmessagefilter/{message}/{logical}"))


def read(env: Environment, set_name: str, args: dict[str, str]) -> list[dict]:
    """The rows of a query on sdkmessages (by name) or sdkmessagefilters (by table)."""
    condition = args.get("$filter", "")
    if set_name == "sdkmessages":
        names = [_match(_NAME_EQ, part) for part in condition.split(" or ")]
        return [{**SYSTEM_ROW, "sdkmessageid": MESSAGES[n], "name": n}
                for n in names if n in MESSAGES]
    if set_name == "sdkmessagefilters":
        logical = _match(_TYPE_EQ, condition)
        if logical not in BY_LOGICAL:
            return []
        return [{**SYSTEM_ROW, "sdkmessagefilterid": filter_id(m, logical),
                 "_sdkmessageid_value": MESSAGES[m], "primaryobjecttypecode": logical}
                for m in MESSAGES]
    raise _unsupported(f"Reading {set_name}")


def create(env: Environment, set_name: str, body: object) -> tuple[str, dict]:
    """(id key, the new row) of a POST to serviceendpoints or sdkmessageprocessingsteps."""
    if not isinstance(body, dict):
        raise DataverseError(400, "0x80048d19", f"The body for '{set_name}' is not an object.")
    if set_name == "serviceendpoints":
        _check_privilege(env, "prvCreateServiceEndpoint", "serviceendpoint")
        return "serviceendpointid", _endpoint(env, body)
    if set_name == "sdkmessageprocessingsteps":
        _check_privilege(env, "prvCreateSdkMessageProcessingStep", "sdkmessageprocessingstep")
        return "sdkmessageprocessingstepid", _step(env, body)
    raise _unsupported(f"Creating {set_name}")


def _check_privilege(env: Environment, privilege: str, logical: str) -> None:
    """Registering takes the System Administrator's or System Customizer's privileges;
    a role without them is refused as any missing privilege is."""
    if privilege in env.denied:
        raise DataverseError(403, "0x80040220", (
            f"Principal user (Id={env.user_id}, type=8, roleCount=1, privilegeCount=612, "
            f"accessMode=0), is missing {privilege} privilege on OTC=1 for entity "
            f"'{logical}'."))


def delete(env: Environment, set_name: str, row_id: str) -> None:
    rows = {"serviceendpoints": env.service_endpoints,
            "sdkmessageprocessingsteps": env.steps}.get(set_name)
    if rows is None:
        raise _unsupported(f"Deleting {set_name}")
    if row_id not in rows:
        raise DataverseError(404, "0x80040217", f"{set_name[:-1]} With Id = {row_id} "
                                                "Does Not Exist")
    if set_name == "serviceendpoints" and any(
            step["endpoint"] == row_id for step in env.steps.values()):
        raise DataverseError(400, "0x80040216", "The serviceendpoint is used by "
                                                "sdkmessageprocessingsteps; delete them first.")
    rows.pop(row_id)


def announce(sandbox, env: Environment, table: Table, message: str, row_id: str) -> None:
    """Queue a RemoteExecutionContext for each endpoint with a step on this change."""
    for step in list(env.steps.values()):
        if (step["message"], step["entity"]) != (message, table.logical):
            continue
        endpoint = env.service_endpoints[step["endpoint"]]
        request_id = str(uuid.uuid4())
        joiner = "&" if "?" in endpoint["url"] else "?"
        sandbox.outbox.append(Delivery(
            f"{endpoint['url']}{joiner}code={quote(endpoint['authvalue'], safe='')}",
            _context(sandbox, env, table, message, row_id, step=step, request_id=request_id),
            headers={"x-request-id": request_id,
                     "x-ms-dynamics-organization": f"{env.url_name}.crm.dynamics.com",
                     "x-ms-dynamics-entity-name": table.logical,
                     "x-ms-dynamics-request-name": message}))


def _context(sandbox, env, table, message, row_id, *, step, request_id) -> dict:
    """A RemoteExecutionContext, as the WCF JSON serialiser writes it (dates
    "/Date(ms)/"); the images and parameters are minimal: Syncapp reads none."""
    moment = int(sandbox.now().timestamp() * 1000)
    target = {"LogicalName": table.logical, "Id": row_id}
    return {
        "BusinessUnitId": env.business_unit_id, "CorrelationId": str(uuid.uuid4()),
        "Depth": 1, "InitiatingUserId": env.user_id, "UserId": env.user_id,
        "InputParameters": [{"key": "Target", "value": target}],
        "OutputParameters": [], "IsExecutingOffline": False, "IsInTransaction": False,
        "IsOfflinePlayback": False, "IsolationMode": 1, "MessageName": message, "Mode": 1,
        "OperationCreatedOn": f"/Date({moment})/", "OperationId": str(uuid.uuid4()),
        "OrganizationId": env.id, "OrganizationName": env.url_name,
        "OwningExtension": {"Id": step["id"], "KeyAttributes": [],
                            "LogicalName": "sdkmessageprocessingstep", "Name": step["name"],
                            "RowVersion": None},
        "ParentContext": None, "PostEntityImages": [], "PreEntityImages": [],
        "PrimaryEntityId": row_id, "PrimaryEntityName": table.logical,
        "RequestId": request_id, "SecondaryEntityName": "none", "SharedVariables": [],
        "Stage": 40,
    }


def _endpoint(env: Environment, body: dict) -> dict:
    _only(body, ENDPOINT_KEYS, "serviceendpoint")
    for key in ("name", "url", "authvalue"):
        if not isinstance(body.get(key), str) or not body[key]:
            raise DataverseError(400, "0x80040203", f"Required field '{key}' is missing.")
    if not body["url"].startswith(("http://", "https://")):
        raise DataverseError(400, "0x80040203", "The url of a webhook must be absolute.")
    if "connectionmode" not in body:  # system-required
        raise DataverseError(400, "0x80040203", "Required field 'connectionmode' is missing.")
    if (body.get("contract"), body.get("authtype"), body["connectionmode"]) != (8, 4, 1):
        raise _unsupported("A serviceendpoint other than a Webhook (contract 8) with a "
                           "WebhookKey (authtype 4) and connectionmode 1 (Normal)")
    row = {"id": str(uuid.uuid4()), **{k: body[k] for k in ENDPOINT_KEYS if k in body}}
    env.service_endpoints[row["id"]] = row
    return row


def _step(env: Environment, body: dict) -> dict:
    _only(body, STEP_KEYS, "sdkmessageprocessingstep")
    message_id = _bound(body, "sdkmessageid@odata.bind", "sdkmessages")
    message = next((m for m, i in MESSAGES.items() if i == message_id), None)
    endpoint_id = _bound(body, "eventhandler_serviceendpoint@odata.bind", "serviceendpoints")
    filtered = _bound(body, "sdkmessagefilterid@odata.bind", "sdkmessagefilters")
    entity = next((t for t in BY_LOGICAL if message and filter_id(message, t) == filtered), None)
    if message is None or endpoint_id not in env.service_endpoints or entity is None:
        raise DataverseError(404, "0x80040217", "A bound sdkmessage, sdkmessagefilter or "
                                                "serviceendpoint Does Not Exist")
    if not isinstance(body.get("name"), str) or not body["name"]:
        raise DataverseError(400, "0x80040203", "Required field 'name' is missing.")
    if (body.get("mode"), body.get("stage"), body.get("supporteddeployment", 0)) != (1, 40, 0):
        raise _unsupported("A step other than asynchronous (mode 1), post-operation "
                           "(stage 40), on the server (supporteddeployment 0)")
    row = {"id": str(uuid.uuid4()), "name": body["name"], "message": message,
           "entity": entity, "endpoint": endpoint_id}
    env.steps[row["id"]] = row
    return row


def _only(body: dict, allowed: set[str], logical: str) -> None:
    for key in body:
        if key not in allowed:
            raise DataverseError(400, "0x80060888", f"The property '{key}' does not exist on "
                                                    f"type 'Microsoft.Dynamics.CRM.{logical}'.")


def _bound(body: dict, key: str, set_name: str) -> str:
    found = _BIND.match(str(body.get(key, "")))
    if not found or found["set"] != set_name:
        raise DataverseError(400, "0x80040203", f"'{key}' must bind a row of {set_name}.")
    return found["id"]


def _match(pattern: re.Pattern, text: str) -> str:
    found = pattern.match(text.strip())
    if not found:
        raise _unsupported(f"The filter {text[:80]!r}")
    return found.group(1)


def _unsupported(what: str) -> DataverseError:
    return DataverseError(400, "0x80060888", f"{what} is not implemented by this sandbox.")
