"""Errors to Sentry (SENTRY_DSN), with tokens, cookies and record values removed first.

sentry-sdk is an optional extra (pip install "syncapp[sentry]"). Its Django, Celery and
logging integrations switch themselves on, so errors of web pages, tasks and
`log.exception` lines are all reported. What leaves the installation is cut down to
what locates a bug without the customer's data: the stack (code, never local
variables), the path and method of a request (never its body, query string, cookies or
credentials headers), and the ids that our log lines carry (`extra=` values ending in
`_id`). Messages keep their text with e-mail addresses and bearer tokens blanked.
"""

import re

from django.core.exceptions import ImproperlyConfigured

REDACTED = "[redacted]"
# Request headers worth keeping: none of them carries a credential or a value.
KEPT_HEADERS = frozenset({"accept", "accept-language", "content-length", "content-type",
                          "host", "user-agent", "hx-request", "x-request-id"})
_SECRETS_IN_TEXT = re.compile(
    r"(?i)\b(bearer|token|access_token|refresh_token)(\s*[=:]\s*|\s+)\S+"
    r"|[\w.+-]+@[\w-]+(\.[\w-]+)+"
)


def start_sentry(dsn: str, environment: str) -> None:
    """Report errors to `dsn`; a DSN Sentry cannot parse, or no sentry-sdk, stops start-up."""
    try:
        import sentry_sdk  # noqa: PLC0415 - an optional extra, imported only when asked for
        from sentry_sdk.utils import BadDsn, Dsn  # noqa: PLC0415
    except ImportError as exc:
        raise ImproperlyConfigured(
            'SENTRY_DSN is set but sentry-sdk is not installed: pip install "syncapp[sentry]"'
        ) from exc
    try:
        Dsn(dsn)
    except BadDsn as exc:
        raise ImproperlyConfigured(
            f"SENTRY_DSN is not a Sentry DSN (https://<key>@<host>/<project id>): {exc}"
        ) from None
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )


def scrub_text(text: str) -> str:
    """`text` with e-mail addresses and bearer tokens blanked."""
    return _SECRETS_IN_TEXT.sub(REDACTED, text)


def _ids_only(extra: dict | None) -> dict:
    return {key: value for key, value in (extra or {}).items()
            if key.endswith(("_id", "_ids")) and isinstance(value, int | list)}


def _scrub_request(request: dict) -> dict:
    headers = request.get("headers") or {}
    return {
        "method": request.get("method"),
        "url": request.get("url"),  # the path: Sentry keeps the query string apart
        "headers": {name: value for name, value in headers.items()
                    if name.lower() in KEPT_HEADERS},
    }


def _scrub_frames(holder: dict) -> None:
    for frame in (holder.get("stacktrace") or {}).get("frames") or []:
        frame.pop("vars", None)


def scrub_event(event: dict, _hint: dict | None = None) -> dict:
    """before_send: the event without local variables, request data, credentials or
    record values."""
    if "request" in event:
        event["request"] = _scrub_request(event["request"])
    for exception in (event.get("exception") or {}).get("values") or []:
        _scrub_frames(exception)
        if isinstance(exception.get("value"), str):
            exception["value"] = scrub_text(exception["value"])
    for thread in (event.get("threads") or {}).get("values") or []:
        _scrub_frames(thread)
    logentry = event.get("logentry") or {}
    for key in ("message", "formatted"):
        if isinstance(logentry.get(key), str):
            logentry[key] = scrub_text(logentry[key])
    logentry.pop("params", None)
    if isinstance(event.get("message"), str):
        event["message"] = scrub_text(event["message"])
    event["extra"] = _ids_only(event.get("extra"))
    if "user" in event:
        event["user"] = {"id": event["user"].get("id")} if event["user"].get("id") else {}
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        scrub_breadcrumb(crumb)
    return event


def scrub_breadcrumb(crumb: dict, _hint: dict | None = None) -> dict:
    """before_breadcrumb: the trail of log lines and queries before an error, ids only."""
    if isinstance(crumb.get("message"), str):
        crumb["message"] = scrub_text(crumb["message"])
    crumb["data"] = _ids_only(crumb.get("data"))
    return crumb
