"""Browsers are sent to SITE_URL's host before they sign in.

OAuth vendors send people back to SITE_URL, and a session cookie belongs to one
host name (whatever the port). Someone who opened http://127.0.0.1:8000 while
SITE_URL says http://localhost:8000 would come back from Install app to a host
where they have no session, and see "sign-in link has expired". So a page asked
for by another name is redirected to the same path on SITE_URL's host.

Machine endpoints answer on any host: health checks, metrics, APIs, incoming
webhooks, the sandboxes (vendors' APIs) and static files.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.http.request import split_domain_port

MACHINE_PREFIXES = ("/healthz", "/metrics", "/api/", "/webhooks/", "/inbound/", "/sandbox/")
PAGE_METHODS = {"GET", "HEAD"}


def site_redirect(request) -> str | None:
    """The SITE_URL address a browser should load instead of `request`, if any."""
    site = urlsplit(settings.SITE_URL)
    if request.method not in PAGE_METHODS or request.headers.get("HX-Request"):
        return None  # a form post or an htmx swap comes from a page already loaded
    if request.path.startswith((*MACHINE_PREFIXES, settings.STATIC_URL)):
        return None
    host, _port = split_domain_port(request.get_host())
    if not site.hostname or host in _site_names(site.hostname):
        return None
    return f"{site.scheme}://{site.netloc}{request.get_full_path()}"


def _site_names(hostname: str) -> set[str]:
    """SITE_URL's host name as Django spells a request's host (IPv6 in brackets)."""
    hostname = hostname.lower()
    return {hostname, f"[{hostname}]", *(name.lower() for name in settings.SITE_HOST_ALIASES)}


class SiteHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = site_redirect(request)
        if target:
            return HttpResponseRedirect(target)
        return self.get_response(request)
