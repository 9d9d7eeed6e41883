"""The Dataverse Web API contract, written down from Microsoft's reference.

Microsoft publishes no static OpenAPI or CSDL for Dataverse (each environment
serves its own `$metadata`), so Prism cannot stand between the connector and the
sandbox. Instead every request and response the tests make is checked here
against the documented shapes (`ContractLog`, a requests response hook).
- Requests: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
- Collections and paging: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results
- Change tracking: https://learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems
- $batch: https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
- Service protection: https://learn.microsoft.com/power-apps/developer/data-platform/api-limits
"""

import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from connectors.dynamics import batch as multipart
from connectors.dynamics.contract_schema import (
    ATTRIBUTES,
    COLLECTION,
    ENTITY_REPLY,
    ERROR,
    INSTANCES,
    WHO_AM_I,
    validate,
)

WEB_API = re.compile(r"/api/data/v9\.2/(?P<rest>.*)$")
DISCOVERY = re.compile(r"/api/discovery/v2\.0/Instances$")
QUERY_OPTIONS = {"$select", "$filter", "$top", "$orderby", "$expand", "$skiptoken",
                 "$deltatoken", "$count", "$apply"}
PREFERENCE = re.compile(
    r'^(odata\.maxpagesize=(\d+)|odata\.track-changes|return=representation|return=minimal'
    r'|odata\.include-annotations="[^"]+"|odata\.continue-on-error)$')
BIND_VALUE = re.compile(r"^/[a-z_]+\([0-9a-f-]{36}\)$")
COLUMN = re.compile(r"^[a-z_][a-z0-9_]*$")


def check_request(method: str, url: str, headers: dict, body: bytes | str | None) -> list[str]:
    """What a Web API request breaks of the contract (empty when nothing)."""
    heads = {k.lower(): v for k, v in headers.items()}
    problems = []
    target = urlsplit(url)
    found = WEB_API.search(target.path)
    if DISCOVERY.search(target.path):
        return _auth_problems(heads)
    if not found:
        return [f"not a Dataverse Web API v9.2 or discovery URL: {url}"]
    problems += _auth_problems(heads)
    for name, value in (("odata-version", "4.0"), ("odata-maxversion", "4.0")):
        if heads.get(name) != value:
            problems.append(f"header {name} must be {value}, was {heads.get(name)!r}")
    if "application/json" not in heads.get("accept", ""):
        problems.append("header Accept must ask for application/json")
    problems += _prefer_problems(heads.get("prefer", ""))
    problems += _query_problems(target.query, heads.get("prefer", ""))
    if found.group("rest") == "$batch":
        return problems + _batch_request_problems(heads, body)
    return problems + _write_problems(method, heads, body)


def _auth_problems(heads: dict) -> list[str]:
    return [] if heads.get("authorization", "").startswith("Bearer ") else [
        "no Authorization: Bearer header"]


def _prefer_problems(prefer: str) -> list[str]:
    problems = []
    for item in filter(None, (p.strip() for p in re.split(r',(?=(?:[^"]*"[^"]*")*[^"]*$)',
                                                          prefer))):
        match = PREFERENCE.match(item)
        if not match:
            problems.append(f"unknown Prefer preference {item!r}")
        elif match.group(2) and not 1 <= int(match.group(2)) <= 5000:
            problems.append("odata.maxpagesize must be 1..5000")
    return problems


def _query_problems(query: str, prefer: str) -> list[str]:
    options = parse_qs(query, keep_blank_values=True)
    problems = [f"unknown query option {name}" for name in options
                if name.startswith("$") and name not in QUERY_OPTIONS]
    problems += [f"{name} given twice" for name, values in options.items() if len(values) > 1]
    tracking = "odata.track-changes" in prefer
    # Change tracking returns whole tables: the query may only choose columns.
    problems += [f"{name} cannot be combined with odata.track-changes" for name in options
                 if tracking and name in {"$filter", "$orderby", "$expand", "$top"}]
    return problems


def _write_problems(method: str, heads: dict, body) -> list[str]:
    problems = []
    if method == "PATCH" and "if-match" not in heads and "if-none-match" not in heads:
        problems.append("PATCH without If-Match creates a missing row (an upsert)")
    if heads.get("if-match") not in (None, "*") and not re.match(r'^W/"\d+"$', heads["if-match"]):
        problems.append(f"If-Match must be * or a W/\"…\" ETag, was {heads['if-match']!r}")
    if method in {"POST", "PATCH"}:
        if "application/json" not in heads.get("content-type", ""):
            problems.append(f"{method} body must be application/json")
        problems += _payload_problems(body)
    elif body:
        problems.append(f"{method} must not carry a body")
    return problems


def _payload_problems(body) -> list[str]:
    try:
        payload = json.loads(body or b"")
    except ValueError:
        return ["the body is not JSON"]
    if not isinstance(payload, dict):
        return ["the body must be a JSON object"]
    problems = []
    for key, value in payload.items():
        if key.endswith("@odata.bind"):
            if not (COLUMN.match(key.removesuffix("@odata.bind"))
                    and isinstance(value, str) and BIND_VALUE.match(value)):
                problems.append(f"bad binding {key}: {value!r} (want /entityset(guid))")
        elif not COLUMN.match(key):
            problems.append(f"{key!r} is not a column's logical name")
        elif isinstance(value, dict | list):
            problems.append(f"{key} must be a primitive value")
    return problems


def _batch_request_problems(heads: dict, body) -> list[str]:
    content_type = heads.get("content-type", "")
    if not content_type.startswith("multipart/mixed") or "boundary=" not in content_type:
        return ["$batch must be multipart/mixed with a boundary"]
    text = body.decode() if isinstance(body, bytes) else str(body or "")
    boundary = content_type.split("boundary=", 1)[1].strip('"')
    if not text.rstrip().endswith(f"--{boundary}--"):
        return ["$batch body must end with the closing boundary"]
    problems = []
    parts = text.replace("\r\n", "\n").split(f"--{boundary}")[1:-1]
    if not 1 <= len(parts) <= multipart.MAX_REQUESTS:
        problems.append("a $batch holds 1..1000 requests")
    for part in parts:
        head, _, http = part.strip("\n").partition("\n\n")
        if "content-type: application/http" not in head.lower():
            problems.append("each $batch part must be Content-Type: application/http")
        if "content-transfer-encoding: binary" not in head.lower():
            problems.append("each $batch part must be Content-Transfer-Encoding: binary")
        line, _, rest = http.partition("\n")
        method, url, version = [*line.split(" "), "", "", ""][:3]
        inner_head, _, inner_body = rest.partition("\n\n")
        inner = dict(h.split(": ", 1) for h in inner_head.split("\n") if ": " in h)
        if version != "HTTP/1.1" or not WEB_API.search(urlsplit(url).path):
            problems.append(f"bad request line in a $batch part: {line!r}")
        problems += [f"in $batch: {p}" for p in _write_problems(
            method, {k.lower(): v for k, v in inner.items()}, inner_body.strip() or None)]
    return problems


def check_response(method: str, url: str, status: int, headers: dict, body: bytes) -> list[str]:
    """What a Web API response breaks of the contract."""
    heads = {k.lower(): v for k, v in headers.items()}
    path = urlsplit(url).path
    if DISCOVERY.search(path):
        return validate(INSTANCES, _json(body), "$") if status == 200 else _error(status,
                                                                                 heads, body)
    problems = [] if heads.get("odata-version") == "4.0" else ["no OData-Version: 4.0 header"]
    if status >= 400:
        return problems + _error(status, heads, body)
    rest = found.group("rest") if (found := WEB_API.search(path)) else ""
    if rest == "$batch":
        return problems + _batch_response_problems(heads, body)
    return problems + _success(method, rest, status, heads, body)


def _success(method: str, rest: str, status: int, heads: dict, body: bytes) -> list[str]:
    if status == 204:
        if method in {"POST", "PATCH"} and "odata-entityid" not in heads:
            return ["a 204 after a write must name the row in OData-EntityId"]
        return []
    data = _json(body)
    if rest.startswith("WhoAmI"):
        return validate(WHO_AM_I, data, "$")
    if rest.startswith("EntityDefinitions"):
        return validate(ATTRIBUTES, data, "$")
    if method in {"POST", "PATCH"}:
        return validate(ENTITY_REPLY, data, "$")
    problems = validate(COLLECTION, data, "$")
    if isinstance(data, dict):
        if "@odata.nextLink" in data and "@odata.deltaLink" in data:
            problems.append("a page has either a nextLink or a deltaLink, not both")
        delta = str(data.get("@odata.context", "")).endswith("/$delta")
        if not delta and any("$deletedEntity" in str(v.get("@odata.context", ""))
                             for v in data.get("value", []) if isinstance(v, dict)):
            problems.append("$deletedEntity outside a delta response")
    return problems


def _error(status: int, heads: dict, body: bytes) -> list[str]:
    if status == 401:
        return [] if "www-authenticate" in heads else ["a 401 must carry WWW-Authenticate"]
    problems = validate(ERROR, _json(body), "$")
    if status == 429 and "retry-after" not in heads:
        problems.append("a 429 must say Retry-After")
    return problems


def _batch_response_problems(heads: dict, body: bytes) -> list[str]:
    try:
        parts = multipart.decode(heads.get("content-type", ""), body.decode())
    except Exception as exc:  # any failure to read it is the violation
        return [f"unreadable $batch reply: {exc}"]
    problems = []
    for part in parts:
        if part.status >= 400:
            problems += validate(ERROR, part.body, "$batch part")
        elif part.status != 204:
            problems += validate(ENTITY_REPLY, part.body, "$batch part")
    return problems


def _json(body: bytes):
    try:
        return json.loads(body)
    except ValueError:
        return "<not JSON>"


@dataclass
class ContractLog:
    """A requests response hook that records every contract violation seen."""

    seen: list[str] = field(default_factory=list)
    judged: int = 0

    def record(self, response, *args, **kwargs) -> None:
        request = response.request
        self.judged += 1
        found = check_request(request.method, request.url, dict(request.headers), request.body)
        found += check_response(request.method, request.url, response.status_code,
                                dict(response.headers), response.content)
        self.seen += [f"{request.method} {request.url}: {p}" for p in found]

    def session(self):
        import requests  # noqa: PLC0415 - only the tests need a session

        session = requests.Session()
        session.hooks["response"].append(self.record)
        return session

    def assert_clean(self) -> None:
        assert self.judged, "no request was checked against the Dataverse contract"
        assert not self.seen, "\n".join(self.seen[:20])
