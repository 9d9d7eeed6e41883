"""The Content-Security-Policy every response carries: one policy, one home.

Scripts and styles come only from our own static files (htmx included; its
injected indicator styles are turned off in base.html), so an injected
<script> or onclick="…" never runs. Pages cannot be framed. Forms may post
only to us, and to the vendors' consent pages that Install app redirects to
(browsers check a form's redirects against form-action too).
"""

from urllib.parse import urlsplit

from django.conf import settings

from connectors.sdk import registry
from connectors.sdk.sandbox.styles import style_hashes

HEADER = "Content-Security-Policy"
SANDBOX_PREFIX = "/sandbox/"
DEBUG_PAGE_STATUSES = {404, 500}


def policy(path: str) -> str:
    """The policy for a response to `path`."""
    styles = ["'self'"]
    if path.startswith(SANDBOX_PREFIX):
        # The sandboxes play vendors' sites: each page carries its own <style> block.
        styles.extend(style_hashes())
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": styles,
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *form_targets()],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def form_targets() -> list[str]:
    """Origins a form's redirect may lead to: SITE_URL (the sandboxes' consent pages
    live there) and every installed connector's OAuth consent page."""
    urls = [settings.SITE_URL, *(getattr(cls.spec.auth, "authorize_url", "")
                                 for cls in registry.connectors().values())]
    return sorted({_origin(url) for url in urls if _origin(url)})


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that does not set one of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in DEBUG_PAGE_STATUSES:
            return response  # Django's debug pages are styled and scripted inline
        if HEADER not in response:
            response[HEADER] = policy(request.path)
        return response
