"""The plain request and response a sandbox handles, whatever serves it."""

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs

JSON = "application/json"


@dataclass
class Request:
    method: str
    path: str  # below the sandbox root, starting with "/"
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""
    root: str = ""  # the sandbox root URL, for links the sandbox hands out
    # A request inside one the sandbox already let in (a part of an OData $batch):
    # the vendor counts the outer request once and delays only it.
    inner: bool = False

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self):
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8", "replace")).items()}

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[7:] if value.lower().startswith("bearer ") else None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data, status: int = 200, headers: dict | None = None) -> "Response":
        return cls(status, json.dumps(data).encode(), {"Content-Type": JSON, **(headers or {})})

    @classmethod
    def html(cls, text: str, status: int = 200) -> "Response":
        return cls(status, text.encode(), {"Content-Type": "text/html; charset=utf-8"})

    @classmethod
    def redirect(cls, url: str) -> "Response":
        return cls(302, b"", {"Location": url})
