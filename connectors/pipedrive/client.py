"""Talking to Pipedrive: its error bodies, its two paging styles, and checked replies.

Every error body has the same shape in v1 and v2:
`{"success": false, "error": "...", "error_info": "...", "code": "ERR_..."}`
https://pipedrive.readme.io/docs/core-api-concepts-http-status-codes
"""

from dataclasses import dataclass

from connectors.sdk.cursors import StoredCursor
from connectors.sdk.errors import ConnectorError
from connectors.sdk.errors import ErrorCategory as Cat
from connectors.sdk.http import HttpClient, default_error_reader
from connectors.sdk.paging import Paginator

APP = "Pipedrive"

_REQUIRED_HINTS = ("required", "is missing", "must be provided", "cannot be empty")
_DUPLICATE_HINTS = ("already exists", "duplicate")


def read_error(status: int, body: object) -> tuple[Cat | None, str]:
    """HttpClient's error_reader: Pipedrive's own words, and a sharper category."""
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return default_error_reader(status, body)
    message = body["error"]
    lowered = message.lower()
    if status == 400 and any(hint in lowered for hint in _REQUIRED_HINTS):
        return Cat.REQUIRED_MISSING, message
    if status in (400, 409) and any(hint in lowered for hint in _DUPLICATE_HINTS):
        return Cat.DUPLICATE, message
    return None, message


def malformed(what: str, body: object) -> ConnectorError:
    """A 2xx whose JSON is not the shape Pipedrive documents: retrying may help."""
    return ConnectorError(
        Cat.APP_UNAVAILABLE,
        f"Pipedrive answered {what} in an unexpected shape.",
        vendor_message=str(body)[:300],
    )


class PipedriveApi:
    """Checked calls to one API root (v1 or v2): the `data` of a success, or raise."""

    def __init__(self, http: HttpClient, base: str):
        self.http = http
        self.base = base.rstrip("/")

    def call(self, method: str, path: str, *, needs_data: bool = True, **kwargs) -> dict:
        """The body of a success; `needs_data=False` for the few that carry none."""
        body = self.http.request(method, self.base + path, **kwargs).body
        if not isinstance(body, dict) or (needs_data and "data" not in body):
            raise malformed(f"{method} {path}", body)
        if body.get("success") is False:
            raise ConnectorError(
                Cat.REJECTED, "Pipedrive refused the request.",
                vendor_message=str(body.get("error") or "")[:300],
            )
        return body

    def record(self, method: str, path: str, **kwargs) -> dict:
        data = self.call(method, path, **kwargs)["data"]
        if not isinstance(data, dict) or "id" not in data:
            raise malformed(f"{method} {path}", data)
        return data

    def records(self, path: str, params: dict, *, key: str = "id") -> tuple[list[dict], dict]:
        """A list page: (records, additional_data), each record carrying `key`.
        `data: null` means no records."""
        body = self.call("GET", path, params=params)
        data = body["data"] or []
        if not isinstance(data, list) or not all(isinstance(r, dict) and key in r for r in data):
            raise malformed(f"GET {path}", data)
        extra = body.get("additional_data")
        return data, extra if isinstance(extra, dict) else {}


def next_cursor(extra: dict) -> str | None:
    """v2 paging: the next page's cursor; null (not absent) on the last page."""
    value = extra.get("next_cursor")
    return value if isinstance(value, str) and value else None


def more_items(extra: dict) -> bool:
    """v1 paging: whether another page follows."""
    pagination = extra.get("pagination", extra)
    return isinstance(pagination, dict) and bool(pagination.get("more_items_in_collection"))


@dataclass(frozen=True)
class ReadCursor(StoredCursor):
    """Where a pass of changed (or deleted) records stands; opaque to the engine.

    `since` is where the pass started (inclusive), `page` the vendor's position
    inside the pass (a v2 cursor or a v1 offset), and `seen` the latest
    modification time met so far: the next pass starts there once this one ends.
    """

    app = "Pipedrive"
    encoding = "base64"

    since: str | None = None
    page: str | int | None = None
    seen: str | None = None

    @property
    def position(self) -> tuple[str | None, str | int]:
        """Where the next page starts: the window and the vendor's place in it."""
        return self.since, self.page or 0

    def advanced(self, page: str | int | None, seen: str | None) -> "ReadCursor":
        return ReadCursor(self.since, page, max_time(self.seen, seen))

    def finished(self) -> "ReadCursor":
        """The cursor for the next pass: start where this one's newest record was."""
        return ReadCursor(since=self.seen or self.since, page=None, seen=None)


def next_window(state: ReadCursor, times: list[str], more: bool) -> ReadCursor:
    """The cursor after one page of an offset-paged list sorted by update time.

    The window start moves up to the newest time read, and the offset restarts at
    0: counting rows past a fixed start would skip one whenever a record changes
    mid-pass (it moves to the end and the rest shift down). The rows sharing that
    second are read again; the engine drops repeats. Only while a whole page
    shares one second does the offset grow. After the last page, `since` is the
    newest time seen: the next pass starts there.
    """
    seen = max_time(state.seen, max(times) if times else None)
    if not more:
        return ReadCursor(since=seen or state.since)
    offset = state.page if isinstance(state.page, int) else 0
    if not times or times[-1] == state.since:
        following = ReadCursor(state.since, offset + len(times), seen)
    else:
        following = ReadCursor(times[-1], 0, seen)
    # "More items" with an empty page would ask for the same window for ever.
    Paginator(APP, state.position).advance(following.position)
    return following


def max_time(first: str | None, second: str | None) -> str | None:
    """The later of two canonical (`YYYY-MM-DDTHH:MM:SSZ`) timestamps."""
    present = [t for t in (first, second) if t]
    return max(present) if present else None
