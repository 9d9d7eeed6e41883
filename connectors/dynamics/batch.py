"""OData $batch: many writes in one HTTP request, one answer per write.

The requests go as independent parts (no change set) with
`Prefer: odata.continue-on-error`, so one refused row does not stop or roll back
the others; each part gets its own status and body, in order.
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
"""

import json
import re
import uuid
from dataclasses import dataclass, field

from connectors.sdk import ConnectorError
from connectors.sdk import ErrorCategory as Cat

CRLF = "\r\n"
MAX_REQUESTS = 1000  # Dataverse's limit per $batch


@dataclass(frozen=True)
class Operation:
    method: str
    url: str  # absolute: the web API root + "contacts(…)"
    body: dict | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PartResponse:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: object  # parsed JSON, or None


def encode(operations: list[Operation]) -> tuple[str, str]:
    """(Content-Type header, body) of a $batch request."""
    boundary = f"batch_{uuid.uuid4()}"
    parts = []
    for number, op in enumerate(operations, start=1):
        lines = [
            f"--{boundary}",
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            f"Content-ID: {number}",
            "",
            f"{op.method} {op.url} HTTP/1.1",
        ]
        if op.body is not None:
            lines.append("Content-Type: application/json; type=entry")
        lines.extend(f"{name}: {value}" for name, value in op.headers.items())
        lines.append("")
        lines.append(json.dumps(op.body) if op.body is not None else "")
        parts.append(CRLF.join(lines))
    body = CRLF.join(parts) + f"{CRLF}--{boundary}--{CRLF}"
    return f"multipart/mixed;boundary={boundary}", body


_BOUNDARY = re.compile(r'boundary="?([^";,\s]+)"?', re.IGNORECASE)


def decode(content_type: str, text: str) -> list[PartResponse]:
    """The responses of a $batch reply, in the order of the requests."""
    found = _BOUNDARY.search(content_type or "")
    if not found or not isinstance(text, str):
        raise ConnectorError(Cat.APP_UNAVAILABLE, "The app's batch reply has no parts.",
                             vendor_message=str(text)[:300])
    responses = []
    for part in _split(text, found.group(1)):
        headers, payload = _headers_and_rest(part)
        nested = _BOUNDARY.search(headers.get("content-type", ""))
        if headers.get("content-type", "").startswith("multipart/") and nested:
            responses.extend(decode(headers["content-type"], payload))  # a change set
        else:
            responses.append(_http_response(payload))
    return responses


def _split(text: str, boundary: str) -> list[str]:
    text = text.replace("\r\n", "\n")
    delimiter = f"--{boundary}"
    chunks = text.split(delimiter)
    # chunks[0] is the preamble; the chunk after the closing delimiter starts "--".
    return [chunk.strip("\n") for chunk in chunks[1:] if not chunk.startswith("--")]


def _headers_and_rest(block: str) -> tuple[dict[str, str], str]:
    head, _, rest = block.partition("\n\n")
    headers = {}
    for line in head.split("\n"):
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return headers, rest


def _http_response(payload: str) -> PartResponse:
    status_line, _, rest = payload.partition("\n")
    pieces = status_line.split(" ", 2)
    if len(pieces) < 2 or not pieces[0].startswith("HTTP/") or not pieces[1].isdigit():
        raise ConnectorError(Cat.APP_UNAVAILABLE, "The app's batch reply has a broken part.",
                             vendor_message=payload[:300])
    headers, body_text = _headers_and_rest(rest)
    body_text = body_text.strip()
    try:
        body = json.loads(body_text) if body_text else None
    except ValueError:
        body = body_text[:2000]
    return PartResponse(int(pieces[1]), headers, body)
