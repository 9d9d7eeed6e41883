"""The sandbox's routes that describe rather than hold data: the Global Discovery
Service's Instances, the Web API's service document, and table definitions
(`EntityDefinitions`, their Attributes and the typed casts of those).
https://learn.microsoft.com/power-apps/developer/data-platform/discovery-service
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
"""

from connectors.dynamics.sandbox import definitions, metadata, webhooks
from connectors.dynamics.sandbox.query import parse_filter
from connectors.dynamics.sandbox.routing import (
    API,
    ATTRIBUTES,
    DEFINITION,
    DEFINITIONS,
    NOTHING,
    answers,
    check_options,
    environment_of,
    table_by_logical,
    web_api,
)
from connectors.dynamics.sandbox.schema import TABLES
from connectors.dynamics.sandbox.store import DataverseError, Environment
from connectors.sdk.sandbox import Request, Response, Sandbox, route

DISCOVERY_CONTEXT = "https://globaldisco.crm.dynamics.com/api/discovery/v2.0/$metadata#Instances"
INSTANCES = frozenset({"$select", "$filter"})
ENTITY_SETS = [*TABLES, *webhooks.SETS, definitions.METADATA_SET]


def _unrouted(method: str):
    """The answer to a path below the Web API that no route above takes: Dataverse's
    404 naming the segment (property paths, navigation, actions and functions other
    than WhoAmI are not implemented here)."""

    @route(method, API + "/(?P<rest>.+)")
    @answers
    def refuse(self, request: Request, account: Environment, org: str, rest: str):
        environment_of(account, org)
        segment = rest.rstrip("/").rsplit("/", 1)[-1]
        raise DataverseError(404, "0x80060888", f"Resource not found for the segment "
                                                f"'{segment}'.")

    return refuse


class Catalog(Sandbox):
    """Mixed into DynamicsSandbox. Handler names sort before `get` on purpose: routes
    are tried in name order, and `get` takes any single segment."""

    @route("GET", "/globaldisco/api/discovery/v2\\.0/Instances")
    @answers
    def instances(self, request: Request, account: Environment) -> Response:
        options = check_options(request, INSTANCES)
        rows = [metadata.instance(request.root, account), *account.other_instances]
        if options.get("$filter"):
            keep = parse_filter(options["$filter"], lambda name: name in rows[0])
            rows = [r for r in rows if keep(r)]
        if options.get("$select"):
            wanted = set(options["$select"].split(","))
            for name in wanted - set(rows[0] if rows else wanted):
                raise metadata.unknown_metadata_property("Instance", name)
            rows = [{k: v for k, v in r.items() if k in wanted} for r in rows]
        return Response.json({"@odata.context": DISCOVERY_CONTEXT, "value": rows})

    @route("GET", API + "/?")
    @answers
    def catalog(self, request: Request, account: Environment, org: str) -> Response:
        environment_of(account, org)
        check_options(request, NOTHING)
        return Response.json(definitions.service_document(web_api(request, org), ENTITY_SETS))

    @route("GET", API + "/EntityDefinitions")
    @answers
    def entity_definitions(self, request: Request, account: Environment, org: str) -> Response:
        environment_of(account, org)
        options = check_options(request, DEFINITIONS)
        return Response.json(definitions.definitions(web_api(request, org), options))

    @route("GET", API + "/EntityDefinitions\\({key}\\)")
    @answers
    def entity_definition(self, request: Request, account: Environment, org: str, key: str):
        environment_of(account, org)
        options = check_options(request, DEFINITION)
        return Response.json(definitions.definition(web_api(request, org), key, options))

    @route("GET", API + "/EntityDefinitions\\(LogicalName='{logical}'\\)/Attributes")
    @answers
    def attributes(self, request: Request, account: Environment, org: str, logical: str):
        environment_of(account, org)
        options = check_options(request, ATTRIBUTES)
        return Response.json(metadata.attributes(
            web_api(request, org), table_by_logical(logical), options, cast=None))

    @route("GET", API + "/EntityDefinitions\\(LogicalName='{logical}'\\)/Attributes/{cast}")
    @answers
    def casts(self, request: Request, account: Environment, org: str, logical: str, cast: str):
        environment_of(account, org)
        options = check_options(request, ATTRIBUTES)
        return Response.json(metadata.attributes(
            web_api(request, org), table_by_logical(logical), options, cast=cast))

    # Named to sort after every other route: routes are tried in name order.
    unrouted_delete = _unrouted("DELETE")
    unrouted_get = _unrouted("GET")
    unrouted_patch = _unrouted("PATCH")
    unrouted_post = _unrouted("POST")
    unrouted_put = _unrouted("PUT")
