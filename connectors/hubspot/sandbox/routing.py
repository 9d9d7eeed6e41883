"""What every emulated endpoint shares: error bodies, scopes, JSON input, batches, and
the refusal of whatever a route does not implement (query parameters, body fields)."""

import functools
import json
from collections.abc import Iterable
from urllib.parse import urlencode

from connectors.hubspot.sandbox.schema import ALIASES
from connectors.hubspot.sandbox.validate import HubSpotError, iso
from connectors.sdk.sandbox import Response, route

BATCH_LIMIT = 100


def bad(message: str) -> HubSpotError:
    return HubSpotError(400, message, "VALIDATION_ERROR")


def api_route(method: str, pattern: str, *, auth: bool = True, query: Iterable[str] = ()):
    """`route`, answering a HubSpotError raised by the handler in HubSpot's body shape.

    `query` names the query parameters the route implements; any other is refused
    (400 VALIDATION_ERROR) rather than silently ignored, so a client relying on a
    parameter the sandbox does not honour finds out here, not in production."""
    allowed = frozenset(query)

    def mark(handler):
        @functools.wraps(handler)
        def guarded(self, request, *args, **kwargs):
            try:
                refuse_unknown_query(request.query, allowed)
                return handler(self, request, *args, **kwargs)
            except HubSpotError as exc:
                return Response.json(exc.body(), exc.status)

        return route(method, pattern, auth=auth)(guarded)

    return mark


def refuse_unknown_query(query: dict, allowed: frozenset) -> None:
    unknown = sorted(set(query) - allowed)
    if unknown:
        takes = ", ".join(sorted(allowed)) or "none"
        raise bad(f"Unknown query parameter {unknown[0]!r}; this endpoint takes: {takes}")


def known_fields(body, allowed: Iterable[str], model: str) -> dict:
    """`body` when it is a JSON object holding only `allowed` fields; 400 otherwise."""
    if not isinstance(body, dict):
        raise bad(f"Invalid input JSON: {model} must be a JSON object")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise bad(f'Invalid input JSON on line 1: Unrecognized field "{unknown[0]}" ({model}), '
                  f"not marked as ignorable; known fields: {', '.join(sorted(allowed))}")
    return body


def object_type(raw: str) -> str:
    try:
        return ALIASES[raw.lower()]
    except KeyError:
        raise HubSpotError(400, f"Unable to infer object type from: {raw}",
                           "VALIDATION_ERROR") from None


def json_body(request):
    try:
        return json.loads(request.body or b"null")
    except ValueError as exc:
        raise HubSpotError(400, f"Invalid input JSON on line 1: {exc}",
                           "VALIDATION_ERROR") from None


def batch_inputs(request, fields: Iterable[str], envelope: Iterable[str] = ("inputs",)) -> list:
    """A batch's `inputs`, each holding only `fields`; the body only `envelope`'s keys."""
    body = known_fields(json_body(request), envelope, "batch input")
    inputs = body.get("inputs")
    if not isinstance(inputs, list):
        raise bad("Invalid input JSON: `inputs` is required")
    if len(inputs) > BATCH_LIMIT:
        raise bad(f"Batch size {len(inputs)} is above the limit of {BATCH_LIMIT}")
    if not all(isinstance(i, dict) for i in inputs):
        raise bad("Invalid input JSON: every input must be an object")
    for item in inputs:
        known_fields(item, fields, "batch input item")
    return inputs


def listed(request, name: str) -> list[str]:
    """A list parameter, comma-separated or repeated (the official clients repeat it)."""
    return [item for value in request.query.get(name) or () for item in value.split(",") if item]


def wanted_properties(request) -> list[str] | None:
    refuse_history(listed(request, "propertiesWithHistory"))
    return listed(request, "properties") or None


def refuse_history(names) -> None:
    """Property history is not kept: asking for it is refused, not answered without it."""
    if names:
        raise bad("propertiesWithHistory is not supported by this sandbox "
                  "(it keeps no property history)")


def archived_arg(request) -> bool:
    raw = (request.arg("archived") or "false").lower()
    if raw not in ("true", "false"):
        raise bad(f"archived must be true or false, not {raw!r}")
    return raw == "true"


def next_link(request, path: str, after: str) -> str:
    """`paging.next.link`: this request's own query with the next `after`."""
    query = {name: values for name, values in request.query.items() if name != "after"}
    return f"{request.root}{path}?{urlencode({**query, 'after': after}, doseq=True)}"


def batch_response(now_ms: int, results: list, errors: list, ok_status: int = 200) -> Response:
    """HubSpot's batch envelope; 207 Multi-Status when some inputs failed."""
    body: dict[str, object] = {"status": "COMPLETE", "results": results,
                               "startedAt": iso(now_ms), "completedAt": iso(now_ms)}
    if errors:
        body.update(errors=errors, numErrors=len(errors))
    return Response.json(body, 207 if errors else ok_status)


def batch_error(category: str, message: str, ids: list[str], key: str = "ids") -> dict:
    return {"status": "error", "category": category, "message": message,
            "context": {key: ids}, "errors": [], "links": {}}


def require_scope(granted: str, needed: set[str]) -> None:
    """403 MISSING_SCOPES unless the token was granted one of `needed`.
    https://developers.hubspot.com/docs/api/error-handling"""
    if set(granted.split()) & needed:
        return
    raise HubSpotError(
        403, "This app hasn't been granted all required scopes to make this call. "
        "Read more about required scopes here: https://developers.hubspot.com/scopes.",
        "MISSING_SCOPES",
        errors=[{"message": "One or more of the following scopes are required.",
                 "context": {"requiredGranularScopes": sorted(needed)}}],
        links={"scopes": "https://developers.hubspot.com/scopes"},
    )
