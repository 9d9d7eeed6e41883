"""What every emulated endpoint shares: error bodies, scopes, JSON input, batches."""

import functools
import json

from connectors.hubspot.sandbox.schema import ALIASES
from connectors.hubspot.sandbox.validate import HubSpotError, iso
from connectors.sdk.sandbox import Response, route

BATCH_LIMIT = 100


def api_route(method: str, pattern: str, *, auth: bool = True):
    """`route`, answering a HubSpotError raised by the handler in HubSpot's body shape."""

    def mark(handler):
        @functools.wraps(handler)
        def guarded(self, request, *args, **kwargs):
            try:
                return handler(self, request, *args, **kwargs)
            except HubSpotError as exc:
                return Response.json(exc.body(), exc.status)

        return route(method, pattern, auth=auth)(guarded)

    return mark


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


def batch_inputs(request) -> list:
    body = json_body(request)
    inputs = body.get("inputs") if isinstance(body, dict) else None
    if not isinstance(inputs, list):
        raise HubSpotError(400, "Invalid input JSON: `inputs` is required", "VALIDATION_ERROR")
    if len(inputs) > BATCH_LIMIT:
        raise HubSpotError(400, f"Batch size {len(inputs)} is above the limit of {BATCH_LIMIT}",
                           "VALIDATION_ERROR")
    if not all(isinstance(i, dict) for i in inputs):
        raise HubSpotError(400, "Invalid input JSON: every input must be an object",
                           "VALIDATION_ERROR")
    return inputs


def wanted_properties(request) -> list[str] | None:
    """`properties` as a comma-separated list or repeated (the official clients repeat it)."""
    values = request.query.get("properties")
    if not values:
        return None
    return [name for value in values for name in value.split(",") if name]


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
