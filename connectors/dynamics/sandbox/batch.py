"""The sandbox's side of $batch: split the multipart request, join the answers.

Each part is an HTTP request (`Content-Type: application/http`); a nested
multipart part is a change set, whose requests succeed or fail together.
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
"""

import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from connectors.sdk.sandbox import Request, Response
from connectors.sdk.sandbox.server import reason

_BOUNDARY = re.compile(r'boundary="?([^";,\s]+)"?', re.IGNORECASE)
MAX_REQUESTS = 1000


class BatchFormatError(ValueError):
    pass


@dataclass
class Part:
    request: Request
    content_id: str | None = None


@dataclass
class ChangeSet:
    parts: list[Part] = field(default_factory=list)


def split(content_type: str, body: bytes, outer: Request) -> list[Part | ChangeSet]:
    found = _BOUNDARY.search(content_type or "")
    if not content_type.lower().startswith("multipart/mixed") or not found:
        raise BatchFormatError("The $batch request must be multipart/mixed with a boundary.")
    items: list[Part | ChangeSet] = []
    for chunk in _chunks(body.decode("utf-8", "replace"), found.group(1)):
        head, rest = _head(chunk)
        nested = _BOUNDARY.search(head.get("content-type", ""))
        if head.get("content-type", "").lower().startswith("multipart/mixed") and nested:
            changeset = ChangeSet()
            for inner in _chunks(rest, nested.group(1)):
                inner_head, inner_rest = _head(inner)
                changeset.parts.append(_part(inner_head, inner_rest, outer))
            items.append(changeset)
        else:
            items.append(_part(head, rest, outer))
    count = sum(len(i.parts) if isinstance(i, ChangeSet) else 1 for i in items)
    if count > MAX_REQUESTS:
        raise BatchFormatError(f"The batch holds {count} requests; at most {MAX_REQUESTS}.")
    return items


def _chunks(text: str, boundary: str) -> list[str]:
    text = text.replace("\r\n", "\n")
    pieces = text.split(f"--{boundary}")
    if len(pieces) < 2 or not pieces[-1].startswith("--"):
        raise BatchFormatError("The multipart body does not end with its closing boundary.")
    return [p.strip("\n") for p in pieces[1:-1]]


def _head(chunk: str) -> tuple[dict[str, str], str]:
    head, _, rest = chunk.partition("\n\n")
    headers = {}
    for line in head.split("\n"):
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return headers, rest


def _part(head: dict[str, str], payload: str, outer: Request) -> Part:
    if head.get("content-type", "").lower() != "application/http":
        raise BatchFormatError("Each batch part needs Content-Type: application/http.")
    request_line, _, rest = payload.partition("\n")
    pieces = request_line.split(" ")
    if len(pieces) != 3 or not pieces[2].startswith("HTTP/"):
        raise BatchFormatError(f"Bad request line in a batch part: {request_line!r}")
    inner_head, body = _head(rest)
    url = urlsplit(pieces[1])
    path = _below_root(url.path, absolute=bool(url.scheme), outer=outer)
    headers = {**inner_head}
    headers["authorization"] = outer.headers.get("authorization", "")
    request = Request(
        method=pieces[0].upper(), path=path,
        query=parse_qs(url.query, keep_blank_values=True),
        headers=headers, body=body.strip().encode("utf-8"), root=outer.root,
    )
    return Part(request, head.get("content-id"))


def _below_root(path: str, *, absolute: bool, outer: Request) -> str:
    """A part's path as the sandbox routes it. The documentation writes parts three
    ways: absolute (`https://org.crm.dynamics.com/api/data/v9.2/contacts`),
    host-relative (`/api/data/v9.2/contacts`) and relative to the service root
    (`contacts`); here the environment's host is the `/<urlname>` below the root."""
    prefix = urlsplit(outer.root).path.rstrip("/")
    if (absolute or path.startswith("/")) and prefix and path.startswith(prefix + "/"):
        return path[len(prefix):]  # absolute, or host-relative to the sandbox's own host
    if path.startswith("/api/data/"):  # host-relative: on the environment's host
        return outer.path.split("/api/data/", 1)[0] + path
    if absolute or path.startswith("/"):
        return path
    return outer.path.rsplit("/", 1)[0] + "/" + path


def join(answers: list[tuple[str | None, Response]]) -> Response:
    """One multipart/mixed reply holding each answer as an application/http part."""
    boundary = f"batchresponse_{uuid.uuid4()}"
    lines = []
    for content_id, answer in answers:
        lines += [f"--{boundary}", "Content-Type: application/http",
                  "Content-Transfer-Encoding: binary"]
        if content_id:
            lines.append(f"Content-ID: {content_id}")
        lines += ["", f"HTTP/1.1 {answer.status} {reason(answer.status)}"]
        lines += [f"{k}: {v}" for k, v in answer.headers.items()]
        lines += ["", answer.body.decode("utf-8")]
    lines += [f"--{boundary}--", ""]
    return Response(200, "\r\n".join(lines).encode("utf-8"),
                    {"Content-Type": f"multipart/mixed; boundary={boundary}"})
