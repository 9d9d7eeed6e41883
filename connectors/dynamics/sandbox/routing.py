"""What every Web API route of the sandbox shares: the path prefix, turning raised
errors into Dataverse's error body, the environment check, and the query options a
route accepts (anything else is refused, never ignored).
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
"""

import re

from connectors.dynamics.sandbox.query import FilterError, UnknownProperty
from connectors.dynamics.sandbox.reads import unknown_property
from connectors.dynamics.sandbox.schema import BY_LOGICAL, TABLES, Table
from connectors.dynamics.sandbox.store import DataverseError, Environment
from connectors.sdk.sandbox import Request

API = "/{org}/api/data/v9\\.2"
TARGET = re.compile(r"^(?P<name>[$A-Za-z_]+)(?:\((?P<key>[^)]*)\))?$")

# The system query options each kind of request takes here (BEHAVIOR.md). OData
# names more ($orderby, $expand on rows, $count, $apply, $skip, $search, $compute…):
# Dataverse supports some of them, this sandbox does not, and says so.
ROWS = frozenset({"$select", "$filter", "$top", "$skiptoken", "$deltatoken"})
ROW = frozenset({"$select"})
WRITE = frozenset({"$select"})  # the columns of a return=representation reply
NOTHING: frozenset[str] = frozenset()
REGISTRATIONS = frozenset({"$select", "$filter"})
ATTRIBUTES = frozenset({"$select", "$filter", "$expand"})
DEFINITIONS = frozenset({"$select", "$filter", "$expand"})
DEFINITION = frozenset({"$select", "$expand"})
ODATA_OPTIONS = frozenset({"$select", "$filter", "$top", "$skip", "$orderby", "$expand",
                           "$count", "$apply", "$search", "$compute", "$format", "$skiptoken",
                           "$deltatoken", "$levels", "$index", "$schemaversion", "$id"})


def check_options(request: Request, allowed: frozenset[str]) -> dict[str, str]:
    """The query as {option: value}, or a 400 naming the first option not taken here."""
    for name, values in request.query.items():
        if len(values) > 1:
            raise DataverseError(400, "0x80060888", f"Query option '{name}' was specified "
                                 "more than once, but it must be specified at most once.")
        if name in allowed:
            continue
        if name in ODATA_OPTIONS:
            raise DataverseError(400, "0x80060888", f"The query option '{name}' is not "
                                 "supported on this resource by this sandbox (see BEHAVIOR.md).")
        raise DataverseError(400, "0x80060888", f"The query parameter '{name}' is not "
                                                "supported.")
    return {name: values[0] for name, values in request.query.items()}


def answers(handler):
    """Turn the Web API's errors, raised anywhere below, into its error bodies."""

    def wrapped(self, request, account, **params):
        try:
            return handler(self, request, account, **params)
        except DataverseError as exc:
            return self.error(exc.status, exc.message, code=exc.code)
        except UnknownProperty as exc:
            table = table_named(params.get("target", ""))
            error = unknown_property(table, exc.name) if table else DataverseError(
                400, "0x80060888", f"Could not find a property named '{exc.name}'.")
            return self.error(error.status, error.message, code=error.code)
        except FilterError as exc:
            return self.error(400, f"Syntax error: {exc}", code="0x80060888")

    wrapped.__name__ = handler.__name__
    return wrapped


def environment_of(account: Environment, org: str) -> Environment:
    """The signed-in user's environment, which must be the one in the URL."""
    if org != account.url_name:
        raise DataverseError(403, "0x80072560", "The user is not a member of the "
                                                "organization.")
    return account


def web_api(request: Request, org: str) -> str:
    return f"{request.root}/{org}/api/data/v9.2"


def table_named(target: str) -> Table | None:
    found = TARGET.match(target)
    return TABLES.get(found.group("name")) if found else None


def table_by_logical(logical: str) -> Table:
    table = BY_LOGICAL.get(logical)
    if table is None:
        raise DataverseError(404, "0x80040217", f"Could not find an entity with the name "
                                                f"'{logical}'.")
    return table
