"""GET /metrics: Prometheus' text format, for a scraper holding METRICS_TOKEN.

Off (404) while METRICS_TOKEN is unset; otherwise 401 without a bearer token and 403
with the wrong one. The metrics span every portal, so only operators may read them.
"""

import hmac

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from syncapp.monitoring.collector import SyncappCollector

registry = CollectorRegistry(auto_describe=False)
registry.register(SyncappCollector())


def _bearer(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@require_GET
def metrics(request):
    expected = settings.METRICS_TOKEN
    if not expected:
        raise Http404("Metrics are off: set METRICS_TOKEN to serve them.")
    supplied = _bearer(request)
    if not supplied:
        response = HttpResponse("Send Authorization: Bearer <METRICS_TOKEN>.\n", status=401,
                                content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if not hmac.compare_digest(supplied.encode(), expected.encode()):
        return HttpResponse("Wrong metrics token.\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
