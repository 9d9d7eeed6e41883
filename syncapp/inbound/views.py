"""The receiving endpoints: one address per connection, /inbound/<app>/<route>/."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from syncapp.inbound.receive import MAX_BODY_BYTES, Delivery, receive


@csrf_exempt  # a vendor's server posts here: it proves itself with credentials, not cookies
@require_POST
def endpoint(request, app_key: str, route: str):
    # Read at most one byte past the limit: a huge body is refused, never buffered.
    body = request.read(MAX_BODY_BYTES + 1)
    answer = receive(Delivery(app_key=app_key, route=route, body=body,
                              headers={k.lower(): v for k, v in request.headers.items()}))
    response = JsonResponse({"message": answer.message}, status=answer.status)
    for name, value in answer.headers.items():
        response[name] = value
    return response
