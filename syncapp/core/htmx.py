"""The request of a view that reads `request.htmx`, typed.

django-htmx's middleware (settings: MIDDLEWARE) gives every request an `htmx` attribute;
annotate a view's request as `HtmxHttpRequest` and mypy knows it. Answers that steer htmx
come from django-htmx too: `HttpResponseStopPolling` (286: swap this, then stop polling),
`HttpResponseClientRefresh` (reload the page), `HttpResponseClientRedirect`.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails
