"""The receiving endpoints: one address per connection, /inbound/<app>/<route>/."""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from syncapp.inbound.receive import MAX_BODY_BYTES, Delivery, receive, receive_for_app


@csrf_exempt  # a vendor's server posts here: it proves itself with credentials, not cookies
@require_POST
def endpoint(request, app_key: str, route: str):
    return _answer(receive(_delivery(request, app_key, route)))


@csrf_exempt  # as above; the app's one address, for vendors that sign with the app's secret
@require_POST
def app_endpoint(request, app_key: str):
    return _answer(receive_for_app(_delivery(request, app_key, "")))


def _delivery(request, app_key: str, route: str) -> Delivery:
    # Read at most one byte past the limit: a huge body is refused, never buffered.
    body = request.read(MAX_BODY_BYTES + 1)
    # What the vendor signed is the public address it called, whatever proxy is between.
    return Delivery(app_key=app_key, route=route, body=body, method=request.method,
                    url=settings.SITE_URL + request.get_full_path(),
                    headers={k.lower(): v for k, v in request.headers.items()})


def _answer(answer) -> JsonResponse:
    response = JsonResponse({"message": answer.message}, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
