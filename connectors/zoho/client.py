"""Talking to Zoho CRM v8: its error body, its per-item outcomes, and checked replies.

Every error, whole-request or per record, has one shape:
`{"code": "MANDATORY_NOT_FOUND", "details": {"api_name": "Last_Name", …},
"message": "required field not found", "status": "error"}`; a write answers
`{"data": [<one such object per record, "status": "success" or "error">]}`.
https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
"""

from connectors.sdk.errors import ConnectorError
from connectors.sdk.errors import ErrorCategory as Cat
from connectors.sdk.http import HttpClient, default_error_reader

APP = "Zoho CRM"

# Zoho's codes -> the product's categories (a code not listed keeps the HTTP status's).
CODES: dict[str, Cat] = {
    "DUPLICATE_DATA": Cat.DUPLICATE,
    "MANDATORY_NOT_FOUND": Cat.REQUIRED_MISSING,
    "DEPENDENT_FIELD_MISSING": Cat.REQUIRED_MISSING,
    "REQUIRED_PARAM_MISSING": Cat.INVALID_VALUE,
    "INVALID_DATA": Cat.INVALID_VALUE,
    "LIMIT_EXCEEDED": Cat.INVALID_VALUE,
    "PATTERN_NOT_MATCHED": Cat.INVALID_VALUE,
    "INVALID_REQUEST": Cat.INVALID_VALUE,
    "INVALID_MODULE": Cat.NOT_FOUND,
    "INVALID_URL_PATTERN": Cat.NOT_FOUND,
    "RECORD_LOCKED": Cat.REJECTED,
    "CANNOT_DELETE": Cat.REJECTED,
    "NOT_APPROVED": Cat.REJECTED,
    "NO_PERMISSION": Cat.PERMISSION_DENIED,
    "NOT_ALLOWED": Cat.PERMISSION_DENIED,
    "OAUTH_SCOPE_MISMATCH": Cat.PERMISSION_DENIED,
    "INVALID_TOKEN": Cat.AUTH_EXPIRED,
    "AUTHENTICATION_FAILURE": Cat.AUTH_EXPIRED,
    "TOO_MANY_REQUESTS": Cat.RATE_LIMITED,
    "INTERNAL_ERROR": Cat.APP_UNAVAILABLE,
}


def _first_error(body: object) -> dict | None:
    """The error object of a body: itself, or a write's first item."""
    if not isinstance(body, dict):
        return None
    if isinstance(body.get("code"), str):
        return body
    items = body.get("data")
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    return None


def describe(item: dict) -> tuple[Cat | None, str, str | None]:
    """(category, Zoho's words, the field it names) of one error object."""
    code = str(item.get("code") or "")
    raw = item.get("details")
    details: dict = raw if isinstance(raw, dict) else {}
    field = details.get("api_name") if isinstance(details.get("api_name"), str) else None
    category = CODES.get(code)
    # An update or delete of an id Zoho does not have: INVALID_DATA naming only the id.
    if code == "INVALID_DATA" and (field == "id" or set(details) == {"id"}):
        category = Cat.NOT_FOUND
    message = str(item.get("message") or code)
    where = f" ({field})" if field else ""
    return category, f"{code}: {message}{where}" if code else message, field


def read_error(status: int, body: object) -> tuple[Cat | None, str]:
    """HttpClient's error_reader: Zoho's code and words, and a sharper category."""
    item = _first_error(body)
    if item is None:
        return default_error_reader(status, body)
    category, message, _field = describe(item)
    return category, message


def item_error(item: object) -> ConnectorError | None:
    """The error of one item of a write's `data`, None for a success."""
    if not isinstance(item, dict):
        return malformed("a write outcome", item)
    if item.get("status") == "success":
        return None
    category, message, field = describe(item)
    return ConnectorError(category or Cat.REJECTED, "Zoho CRM refused the record.",
                          vendor_message=message, field=field)


def malformed(what: str, body: object) -> ConnectorError:
    """A 2xx whose JSON is not the shape Zoho documents: retrying may help."""
    return ConnectorError(
        Cat.APP_UNAVAILABLE, f"Zoho CRM answered {what} in an unexpected shape.",
        vendor_message=str(body)[:300],
    )


class ZohoApi:
    """Checked calls below one API domain (`https://www.zohoapis.eu`, a sandbox, Prism)."""

    def __init__(self, http: HttpClient, base: str):
        self.http = http
        self.base = base.rstrip("/")

    def call(self, method: str, path: str, **kwargs) -> dict:
        """The JSON object of a success; {} for 204 No Content (nothing to list)."""
        body = self.http.request(method, self.base + path, **kwargs).body
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise malformed(f"{method} {path}", body)
        return body

    def listing(self, path: str, key: str = "data", **kwargs) -> tuple[list[dict], dict]:
        """(rows, info) of a list; a 304 (nothing changed since) is an empty list."""
        try:
            body = self.call("GET", path, **kwargs)
        except ConnectorError as exc:
            if exc.status == 304:
                return [], {}
            raise
        rows = body.get(key) or []
        if not isinstance(rows, list) or not all(isinstance(r, dict) and "id" in r
                                                 for r in rows):
            raise malformed(f"GET {path}", body)
        info = body.get("info")
        return rows, info if isinstance(info, dict) else {}
