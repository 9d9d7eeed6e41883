"""Serving the connectors' sandboxes under /sandbox/<app>/ (demo and browser tests).

One sandbox per app, created on first use; where its state lives (this process's
memory, or Redis for every web process) is sandbox_state's business.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from connectors.sdk.sandbox import Request, Response
from syncapp.integrations import sandbox_state


@csrf_exempt  # a vendor API: its clients authenticate with tokens, not cookies
def serve(request, app_key: str, path: str = ""):
    if not settings.SANDBOXES_ENABLED:
        raise Http404
    try:
        factory = sandbox_state.sandbox_factory(app_key)
    except sandbox_state.NoSandbox:
        raise Http404 from None
    vendor_request = Request(
        method=request.method,
        path="/" + path,
        query={key: request.GET.getlist(key) for key in request.GET},
        headers={k.lower(): v for k, v in request.headers.items()},
        body=request.body,
        root=request.build_absolute_uri(f"/sandbox/{app_key}"),
    )
    try:
        with sandbox_state.editing(app_key) as sandbox:
            reply = sandbox.handle(vendor_request)
    except sandbox_state.SandboxStateUnavailable as exc:
        reply = _unavailable(factory, str(exc))
    response = HttpResponse(reply.body, status=reply.status)
    for name, value in reply.headers.items():
        response[name] = value
    return response


def _unavailable(factory, message: str) -> Response:
    """A 503 in the vendor's own error shape, as its clients expect an outage."""
    reply = factory(seed=False).error(503, message)
    reply.headers["Retry-After"] = "1"
    return reply
