"""Makes every error of the API a problem+json, including those Django answers itself.

Runs before the rest: a body over API_MAX_BODY_BYTES is refused (413) before anything
reads it, and a 404 of an unknown path, a 405 or a 500 comes back as problem+json with
its headers (Allow, Retry-After) kept.
"""

from django.conf import settings
from django.utils.translation import gettext as _

from syncapp.core import params
from syncapp.core.problems import CONTENT_TYPE, is_api, problem

KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


class ApiProblemMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request):
            return self.get_response(request)
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not params.is_id(length) and length != "0":
            return problem(400, _("The Content-Length header is not a number."))
        if int(length) > settings.API_MAX_BODY_BYTES:
            return problem(413, _("The request body is too large: at most %(n)d bytes.")
                           % {"n": settings.API_MAX_BODY_BYTES})
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
                CONTENT_TYPE):
            kept = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            return problem(response.status_code, headers=kept)
        return response
