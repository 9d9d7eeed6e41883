"""Errors of the REST API as RFC 9457 problem details (`application/problem+json`).

One builder, used by the API's exception handlers, by the API middleware for what
Django itself answers (404, 405, 413, 500), and by BadInputMiddleware for the requests
it refuses before any view runs.
"""

import json
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/v1/"
# Human pages under the prefix: they answer errors the way every page does.
HTML_PATHS = ("/api/v1/docs",)


def is_api(request: HttpRequest) -> bool:
    """Whether `request` is a call of the API, which answers errors as problem+json."""
    return request.path.startswith(API_PREFIX) and not request.path.startswith(HTML_PATHS)


def problem(status: int, detail: str = "", *, title: str = "", headers: dict | None = None,
            **extensions) -> HttpResponse:
    """A problem+json response; `type` stays "about:blank", so `title` is the status's
    phrase unless given, and `detail` says what to do about this occurrence."""
    body = {"type": "about:blank", "title": title or HTTPStatus(status).phrase,
            "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update(extensions)
    response = HttpResponse(json.dumps(body), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
