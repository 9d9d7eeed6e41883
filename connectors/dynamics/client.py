"""What every Dataverse Web API call shares: headers, errors, links and ids.

Errors come as `{"error": {"code": "0x80040217", "message": "..."}}`; the code
is the Dataverse error code (hex), which refines what the HTTP status alone says.
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
https://learn.microsoft.com/power-apps/developer/data-platform/reference/web-service-error-codes
"""

import re
from urllib.parse import quote

from connectors.sdk import ConnectorError
from connectors.sdk import ErrorCategory as Cat

API_PATH = "/api/data/v9.2"
MAX_PAGE_SIZE = 5000  # Dataverse never returns more than 5,000 rows a page

# Every request states the OData version it speaks; Dataverse answers with the same.
BASE_HEADERS = {
    "Accept": "application/json",
    "OData-MaxVersion": "4.0",
    "OData-Version": "4.0",
}

# Dataverse error codes whose meaning is sharper than their HTTP status.
ERROR_CODES: dict[str, Cat] = {
    "0x80040217": Cat.NOT_FOUND,  # ObjectDoesNotExist
    "0x80040237": Cat.DUPLICATE,  # DuplicateRecord (a unique column or key)
    "0x80040220": Cat.PERMISSION_DENIED,  # a security role lacks a privilege
    "0x80048306": Cat.PERMISSION_DENIED,  # the user is disabled / has no licence
    "0x80072322": Cat.RATE_LIMITED,  # service protection: number of requests
    "0x80072321": Cat.RATE_LIMITED,  # service protection: execution time
    "0x80072326": Cat.RATE_LIMITED,  # service protection: concurrent requests
    "0x80048d19": Cat.INVALID_VALUE,  # the payload does not match the column types
    "0x80060888": Cat.INVALID_VALUE,  # no such column / segment
    "0x8004431a": Cat.INVALID_VALUE,  # a choice value outside the column's options
    "0x80044331": Cat.INVALID_VALUE,  # text longer than the column allows
    "0x8004432f": Cat.INVALID_VALUE,  # a whole number outside the column's range
    "0x80044330": Cat.INVALID_VALUE,  # money outside the column's range
    "0x80060882": Cat.CHANGED_SINCE_READ,  # ConcurrencyVersionMismatch: If-Match's ETag is old
    "0x80040265": Cat.REJECTED,  # a plug-in or business rule refused the change
    "0x80044352": Cat.REJECTED,  # ExpiredVersionStamp: the delta link is too old
}

EXPIRED_DELTA = "0x80044352"


def error_reader(status: int, body: object) -> tuple[Cat | None, str]:
    """(category refined by the Dataverse error code, Dataverse's own message)."""
    code, message = error_parts(body)
    if code and code.lower() in ERROR_CODES:
        return ERROR_CODES[code.lower()], message
    if status == 401 and not message:
        # Dataverse answers an unaccepted token with an empty 401 and a
        # WWW-Authenticate header; there is nothing more to show.
        return None, "The access token was not accepted."
    return None, message


def error_parts(body: object) -> tuple[str, str]:
    """(code, message) of an OData error body; ("", text) for anything else."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("code") or ""), str(error.get("message") or "")
        if isinstance(body.get("Message"), str):  # some gateways answer this way
            return "", body["Message"]
    if isinstance(body, str):
        return "", _strip_html(body)[:300]
    return "", ""


def etag_of(row: dict) -> str | None:
    """A row's version as Dataverse hands it out (`W/"1234"`), for If-Match."""
    etag = row.get("@odata.etag")
    return etag if isinstance(etag, str) and etag else None


def _strip_html(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def is_expired_delta(error: ConnectorError) -> bool:
    return EXPIRED_DELTA in error.vendor_message or "perform a full sync" in (
        error.vendor_message.lower()
    ) or error.status == 410


def headers(*prefer: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The OData headers, with the given `Prefer` preferences and any others."""
    result = dict(BASE_HEADERS)
    if prefer:
        result["Prefer"] = ",".join(prefer)
    result.update(extra or {})
    return result


def max_page_size(limit: int) -> str:
    return f"odata.maxpagesize={max(1, min(limit, MAX_PAGE_SIZE))}"


INCLUDE_LOOKUP_NAMES = 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"'

_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


def is_guid(value: str) -> bool:
    """Dataverse keys are GUIDs; anything else cannot name a row (and would make
    the whole $filter a syntax error)."""
    return bool(_GUID.match(value or ""))


_QUERY_SAFE = ",()'=/:$@"


def query(**options: str) -> str:
    """An OData query string; `$` options keep their dollar, values are escaped."""
    parts = [f"${name}={quote(value, safe=_QUERY_SAFE)}" for name, value in options.items()
             if value]
    return "?" + "&".join(parts) if parts else ""


def odata_string(value: str) -> str:
    """A string literal for $filter: single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


_API_SEGMENT = re.compile(r"/api/data/v\d+\.\d+/")


def relative_link(link: str) -> str:
    """A nextLink or deltaLink without the environment's URL, to keep as a cursor:
    the same link then survives a move of the environment to another host."""
    found = _API_SEGMENT.search(link)
    if not found:
        raise ConnectorError(Cat.APP_UNAVAILABLE, "The app returned a link we cannot follow.",
                             vendor_message=link[:300])
    return link[found.end():]


def ensure_collection(body: object) -> dict:
    """The body of a collection response, or a classified failure."""
    if isinstance(body, dict) and isinstance(body.get("value"), list):
        return body
    raise ConnectorError(
        Cat.APP_UNAVAILABLE, "The app answered a list request without a list.",
        vendor_message=str(body)[:300],
    )
