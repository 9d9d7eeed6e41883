"""Serving the connectors' sandboxes under /sandbox/<app>/ (demo and browser tests).

Each sandbox lives in the web process's memory, one per app, created on first use.
"""

import threading

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from connectors.sdk import registry
from connectors.sdk.sandbox import Request, Sandbox

_sandboxes: dict[str, Sandbox] = {}
_lock = threading.Lock()


def sandbox_for(app_key: str) -> Sandbox:
    with _lock:
        if app_key not in _sandboxes:
            try:
                cls = registry.get(app_key)
            except LookupError:
                raise Http404 from None
            if not cls.sandbox:
                raise Http404
            _sandboxes[app_key] = registry.load(cls.sandbox)()
        return _sandboxes[app_key]


@csrf_exempt  # a vendor API: its clients authenticate with tokens, not cookies
def serve(request, app_key: str, path: str = ""):
    if not settings.SANDBOXES_ENABLED:
        raise Http404
    sandbox = sandbox_for(app_key)
    root = request.build_absolute_uri(f"/sandbox/{app_key}")
    reply = sandbox.handle(
        Request(
            method=request.method,
            path="/" + path,
            query={key: request.GET.getlist(key) for key in request.GET},
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.body,
            root=root,
        )
    )
    response = HttpResponse(reply.body, status=reply.status)
    for name, value in reply.headers.items():
        response[name] = value
    return response
