"""HubSpot's side of the shared HTTP client: its error bodies, its 429s, its URLs.

Every call goes through `HttpClient.request` (retries, shared rate limit,
classification); this module only teaches it HubSpot's dialect.
"""

import collections
import email.utils
import json
import math
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import requests

from connectors.sdk import ConnectorError, HttpClient
from connectors.sdk import ErrorCategory as Cat

# HubSpot's error `category` -> the product's category.
# https://developers.hubspot.com/docs/api/error-handling
CATEGORIES = {
    "VALIDATION_ERROR": Cat.INVALID_VALUE,
    "INVALID_PARAMS": Cat.INVALID_VALUE,
    "OBJECT_NOT_FOUND": Cat.NOT_FOUND,
    "CONFLICT": Cat.DUPLICATE,
    "OBJECT_ALREADY_EXISTS": Cat.DUPLICATE,
    "RATE_LIMITS": Cat.RATE_LIMITED,
    "MISSING_SCOPES": Cat.PERMISSION_DENIED,
    "INVALID_AUTHENTICATION": Cat.AUTH_EXPIRED,
    "EXPIRED_AUTHENTICATION": Cat.AUTH_EXPIRED,
}
# Codes inside "Property values were not valid: [...]" that mean more than "invalid".
PROPERTY_CODES = {
    "READ_ONLY_VALUE": Cat.READ_ONLY,
    "MISSING_REQUIRED_PROPERTY": Cat.REQUIRED_MISSING,
    "REQUIRED_FIELD": Cat.REQUIRED_MISSING,
}
_PROPERTY_ERRORS = re.compile(r"Property values were not valid: (\[.*\])", re.DOTALL)
_FIELD = re.compile(r"\(property: ([\w.-]+)\)")


def property_errors(message: str) -> list[dict]:
    """The per-property errors HubSpot embeds, as JSON, in a VALIDATION_ERROR message."""
    found = _PROPERTY_ERRORS.search(message or "")
    if not found:
        return []
    try:
        items = json.loads(found.group(1))
    except ValueError:
        return []
    return [item for item in items if isinstance(item, dict)]


def read_error(status: int, body: object) -> tuple[Cat | None, str]:
    """HttpClient's error_reader: {"status":"error","message":…,"category":…}."""
    if not isinstance(body, dict):
        return None, str(body or "")[:300]
    message = str(body.get("message") or body.get("error") or "")
    category = CATEGORIES.get(str(body.get("category") or ""))
    if body.get("errorType") == "RATE_LIMIT":  # 429 bodies carry errorType, no category
        category = Cat.RATE_LIMITED
    problems = property_errors(message)
    if problems:
        codes = {str(p.get("error") or "") for p in problems}
        category = next((PROPERTY_CODES[c] for c in codes if c in PROPERTY_CODES), category)
        message = "; ".join(
            f"{p.get('message') or p.get('error')} (property: {p.get('name')})" for p in problems
        )
    return category, message[:500]


def field_of(error: ConnectorError) -> str | None:
    """The property an error names, as read_error wrote it into the vendor message."""
    found = _FIELD.search(error.vendor_message or "")
    return found.group(1) if found else None


def rate_limit_wait(response: requests.Response) -> int:
    """Seconds to wait after a 429, which HubSpot sends without Retry-After.

    The body's policyName says which limit was hit; the X-HubSpot-RateLimit
    headers give the rolling window's length. The daily limit resets at
    midnight in the portal's time zone, which we do not know: waiting an hour
    costs at most one refused call per hour.
    https://developers.hubspot.com/docs/api/usage-details#rate-limits
    """
    interval = _header(response.headers, "X-HubSpot-RateLimit-Interval-Milliseconds")
    try:
        body = response.json()
    except ValueError:
        body = {}
    policy = str(body.get("policyName") or "") if isinstance(body, dict) else ""
    if policy == "DAILY":
        return 3600
    if policy == "SECONDLY":  # the search endpoints' own per-second limit
        return 1
    if interval and interval.isdigit():
        return max(1, math.ceil(int(interval) / 1000))
    return 10  # TEN_SECONDLY_ROLLING, the burst limit of public apps


def _retry_after_from_policy(response: requests.Response, *args, **kwargs) -> None:
    if response.status_code == 429 and not response.headers.get("Retry-After"):
        response.headers["Retry-After"] = str(rate_limit_wait(response))


def install(http: HttpClient) -> None:
    """Teach the shared client HubSpot's error bodies and its Retry-After-less 429s."""
    http.error_reader = read_error
    hooks = http.session.hooks.setdefault("response", [])
    if _retry_after_from_policy not in hooks:
        hooks.append(_retry_after_from_policy)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    return next((v for k, v in headers.items() if k.lower() == lowered), None)


def server_millis(headers: dict) -> int:
    """HubSpot's clock (the Date header), in epoch ms; ours if it sent none."""
    value = _header(headers, "Date")
    try:
        moment = email.utils.parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        moment = None
    return int((moment.timestamp() if moment else time.time()) * 1000)


def unexpected(what: str, body: object) -> ConnectorError:
    """A 2xx whose body is not what HubSpot documents: transient, nothing is applied."""
    return ConnectorError(
        Cat.APP_UNAVAILABLE, f"HubSpot answered {what} in an unexpected shape.",
        vendor_message=str(body)[:300],
    )


@dataclass(frozen=True)
class ResultPage:
    results: list[dict]
    next_after: str | None
    server_ms: int


def result_page(response, what: str) -> ResultPage:
    body = response.body
    if not isinstance(body, dict) or not isinstance(body.get("results"), list):
        raise unexpected(what, body)
    paging = body.get("paging")
    after = None
    if isinstance(paging, dict) and isinstance(paging.get("next"), dict):
        raw = paging["next"].get("after")
        after = str(raw) if raw not in (None, "") else None
    results = [r for r in body["results"] if isinstance(r, dict)]
    return ResultPage(results, after, server_millis(response.headers))


class SearchPacer:
    """Spaces search calls under HubSpot's separate search limit (about 5 per second
    per token), in this process; a 429 from another worker's searches is retried.
    https://developers.hubspot.com/docs/api/crm/search#limitations"""

    def __init__(self, per_second: int = 4):
        self.per_second = per_second
        self._sent: collections.deque = collections.deque()
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            while self._sent and self._sent[0] <= now - 1.0:
                self._sent.popleft()
            if len(self._sent) >= self.per_second:
                time.sleep(max(0.0, self._sent[0] + 1.0 - now))
            self._sent.append(time.monotonic())


class CrmApi:
    """The CRM endpoints the connector uses, as thin calls returning parsed bodies."""

    def __init__(self, http: HttpClient, base: str):
        self.http = http
        self.base = base
        self.pacer = SearchPacer()

    def objects(self, object_name: str, suffix: str = "") -> str:
        return f"{self.base}/crm/v3/objects/{object_name}{suffix}"

    def list_page(self, object_name: str, *, properties, limit: int, after: str | None,
                  archived: bool = False) -> ResultPage:
        params = {"limit": min(limit, 100), "properties": ",".join(properties),
                  "archived": "true" if archived else "false"}
        if after:
            params["after"] = after
        response = self.http.request("GET", self.objects(object_name), params=params)
        return result_page(response, "a list page")

    def search(self, object_name: str, body: dict) -> ResultPage:
        self.pacer.wait()
        response = self.http.request("POST", self.objects(object_name, "/search"), json=body)
        return result_page(response, "a search")

    def batch(self, object_name: str, action: str, inputs: list, **extra):
        return self.http.request(
            "POST", self.objects(object_name, f"/batch/{action}"), json={"inputs": inputs, **extra}
        )

    def create_one(self, object_name: str, body: dict):
        return self.http.request("POST", self.objects(object_name), json=body)

    def update_one(self, object_name: str, object_id: str, body: dict):
        return self.http.request("PATCH", self.objects(object_name, f"/{object_id}"), json=body)

    def properties(self, object_name: str) -> list[dict]:
        response = self.http.request("GET", f"{self.base}/crm/v3/properties/{object_name}")
        return result_page(response, "the property list").results

    def associations_v4(self, from_object: str, to_object: str, action: str, inputs: list):
        url = f"{self.base}/crm/v4/associations/{from_object}/{to_object}/batch/{action}"
        return self.http.request("POST", url, json={"inputs": inputs})

    def association_page(self, from_object: str, object_id: str, to_object: str,
                         after: str | None) -> ResultPage:
        url = f"{self.base}/crm/v4/objects/{from_object}/{object_id}/associations/{to_object}"
        params = {"limit": 500, **({"after": after} if after else {})}
        return result_page(self.http.request("GET", url, params=params), "associations")

    def associate_one(self, from_object: str, from_id: str, to_object: str, to_id: str,
                      types: list):
        url = (f"{self.base}/crm/v4/objects/{from_object}/{from_id}"
               f"/associations/{to_object}/{to_id}")
        return self.http.request("PUT", url, json=types)
