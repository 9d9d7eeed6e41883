"""What every emulated endpoint shares: its route with the query parameters it takes,
Pipedrive's success body, and reading the request's parameters strictly.

A query parameter an endpoint does not list is refused with a 400 in Pipedrive's
error shape, never ignored: a client that relies on a parameter the sandbox does not
implement learns it here, not in production. `api_token` (authentication) is taken
everywhere. https://pipedrive.readme.io/docs/core-api-concepts-responses
"""

import datetime as dt
import functools

from connectors.pipedrive.sandbox.rules import Invalid, failed
from connectors.sdk.sandbox import Response, route

MAX_LIMIT = 500  # both APIs refuse a larger `limit`
# Credentials, not a parameter of any one endpoint.
# https://pipedrive.readme.io/docs/how-to-find-the-api-token
AUTH_PARAMETERS = frozenset({"api_token"})


def api_route(method: str, pattern: str, *, query: tuple[str, ...] | None = ()):
    """`route` for an API endpoint taking the query parameters `query`: any other is
    refused, and an Invalid the handler raises becomes Pipedrive's error body.
    `query=None`: they depend on the path, and the handler checks them itself."""

    def mark(handler):
        @functools.wraps(handler)
        def wrapped(self, request, account, **params):
            try:
                if query is not None:
                    refuse_unknown_parameters(request, set(query))
                return handler(self, request, account, **params)
            except Invalid as refused:
                code = "ERR_SCHEMA_VALIDATION_FAILED" if refused.status == 400 else None
                return self.error(refused.status, refused.message,
                                  **({"code": code} if code else {}))

        return route(method, pattern)(wrapped)

    return mark


def refuse_unknown_parameters(request, accepted: set[str]) -> None:
    unknown = sorted(set(request.query) - accepted - AUTH_PARAMETERS)
    if unknown:
        name = unknown[0]
        raise failed(name, f"Parameter '{name}' is not supported by this endpoint")


def ok(data, extra: dict | None = None, status: int = 200) -> Response:
    body = {"success": True, "data": data}
    if extra is not None:
        body["additional_data"] = extra
    return Response.json(body, status)


# --- reading parameters ------------------------------------------------------------------


def int_arg(request, name: str, default: int | None = None) -> int | None:
    raw = request.arg(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise failed(name, f"Parameter '{name}' must be an integer")
    return int(raw)


def limit_arg(request) -> int:
    limit = int_arg(request, "limit", 100) or 0
    if not 1 <= limit <= MAX_LIMIT:
        raise failed("limit", f"must be between 1 and {MAX_LIMIT}")
    return limit


def sort_spec(raw: str, fields: set[str]) -> list[tuple[str, bool]]:
    """v1's `sort`: "field ASC, other DESC" -> [(field, descending), …]."""
    spec = []
    for part in raw.split(","):
        field, _, order = part.strip().partition(" ")
        if field not in fields or order.strip().upper() not in {"", "ASC", "DESC"}:
            raise failed("sort", f"'{part.strip()}' is not a valid sort")
        spec.append((field, order.strip().upper() == "DESC"))
    return spec


def sorted_v1(rows: list[dict], raw: str, fields: set[str]) -> list[dict]:
    """`rows` in the order v1's `sort` names; a missing value sorts first."""
    for field, descending in reversed(sort_spec(raw, fields)):
        rows = sorted(rows, key=functools.partial(_sort_value, field), reverse=descending)
    return rows


def _sort_value(field: str, row: dict) -> tuple:
    value = row.get(field)
    return (value is not None, value if value is not None else "")


def ids_arg(raw: str) -> set[int]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > 100 or not all(p.isdigit() for p in parts):
        raise failed("ids", "must be a comma-separated list of at most 100 integers")
    return {int(p) for p in parts}


def parsed_time(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def moment_arg(request, name: str) -> dt.datetime | None:
    raw = request.arg(name)
    if not raw:
        return None
    if "T" not in raw:
        raise failed(name, f"'{raw}' is not an RFC 3339 date-time")
    try:
        return parsed_time(raw)
    except ValueError:
        raise failed(name, f"'{raw}' is not an RFC 3339 date-time") from None
