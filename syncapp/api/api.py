"""The API object: its routers, its error answers and its OpenAPI schema.

Why django-ninja rather than Django REST framework: our views are plain functions (STYLE:
thin function-based views), and ninja's operations are too; its types are pydantic
models that both generate the OpenAPI 3 schema and serialise every answer, so what we
document is what we send (the Schemathesis run in tests/api checks it); and it needs no
second schema generator (DRF needs drf-spectacular and serializer annotations kept in
step by hand). Its own docs page loads Swagger UI with inline script, which our CSP
forbids, so it is off: /api/v1/docs is our own server-rendered reference (docs.py).
"""


from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from syncapp.api.auth import ReadOnlyKey
from syncapp.api.routes import connections, exports, records, runs, syncs
from syncapp.api.throttle import KeyRateThrottle
from syncapp.core.params import BadParam
from syncapp.core.problems import CONTENT_TYPE, problem
from syncapp.core.queue import QueueUnreachable

VERSION = "1"


class SyncappApi(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs) -> dict:
        """Ninja documents every answer as application/json; errors are problem+json."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[CONTENT_TYPE] = content.pop("application/json")
        return schema


api = SyncappApi(
    title="Syncapp API", version=VERSION, urls_namespace="api", docs_url=None,
    description="Connections, object syncs, runs, health and repairs of one portal. "
                "Authenticate with `Authorization: Bearer <API key>`; a super admin "
                "creates keys on the API keys page. Errors are RFC 9457 problem details.",
    throttle=[KeyRateThrottle()],
)
for module in (connections, syncs, runs, records, exports):
    api.add_router("", module.router)

# Syncs as code (routes/config.py) adds its operations to the syncs router: one router
# per path, or Django would send a second router's methods on the same path to the
# first, as 405s.
from syncapp.api.routes import config as _config_routes  # noqa: E402, F401


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = [{"loc": [str(part) for part in error.get("loc", ())],
               "msg": str(error.get("msg", ""))} for error in exc.errors]
    first = errors[0] if errors else {"loc": [], "msg": ""}
    return problem(400, f"{'.'.join(first['loc'])}: {first['msg']}", errors=errors)


@api.exception_handler(BadParam)
def _bad_param(request, exc: BadParam):
    return problem(400, exc.message, field=exc.field)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem(401, _("Send a valid, unrevoked API key of this portal as "
                          "“Authorization: Bearer <key>”."),
                   headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(ReadOnlyKey)
def _read_only(request, exc):
    return problem(403, str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem(404, _("There is no such object in this portal."))


@api.exception_handler(ObjectDoesNotExist)
def _gone(request, exc):
    return problem(404, _("There is no such object in this portal."))


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return problem(413, _("The request body is too large."))


@api.exception_handler(Throttled)
def _throttled(request, exc):
    return problem(429, _("Too many calls with this API key: wait the seconds "
                          "Retry-After gives, then try again."))


@api.exception_handler(QueueUnreachable)
def _queue_down(request, exc):
    return problem(503, _("The task queue is not answering, so nothing was started. "
                          "Try again in a minute."), headers={"Retry-After": "60"})


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return problem(exc.status_code, str(exc.message))
