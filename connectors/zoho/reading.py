"""Where a pass of changed or deleted records stands, and what the next page asks.

Changed records: `GET /crm/v8/{module}?fields=…&sort_by=Modified_Time&sort_order=asc`
with `If-Modified-Since` (Zoho answers records modified after that time, 304 when
none). A pass moves its window up to the last record read, so a record edited
mid-pass (it jumps to the end) is never skipped; the window starts one second before
that record, because Zoho's times have whole seconds and records sharing the
second must not be lost (the engine drops the repeats). Only while one second holds
more than a page does the page number grow, and past 2,000 records Zoho wants
`page_token` (`info.next_page_token`) instead of a page number.
https://www.zoho.com/crm/developer/docs/api/v8/get-records.html
"""

import datetime as dt
from dataclasses import dataclass

from connectors.sdk.cursors import StoredCursor
from connectors.sdk.errors import ConnectorError, ErrorCategory
from connectors.sdk.paging import Paginator
from connectors.zoho.client import APP
from connectors.zoho.values import parse_time, zoho_time

MAX_PER_PAGE = 200
DISCRETE_LIMIT = 2000  # page x per_page beyond this needs page_token
ONE_SECOND = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class ReadCursor(StoredCursor):
    """`since`: the window's If-Modified-Since (None: everything); `page` within it, or
    `token` past the discrete limit; `seen`: the newest time read in this pass; `skip`:
    the ids already read of the window's first second (read again, not returned)."""

    app = APP
    encoding = "base64"

    since: str | None = None
    page: int = 1
    token: str | None = None
    seen: str | None = None
    skip: tuple[str, ...] = ()

    @property
    def position(self) -> tuple[str | None, int, str | None]:
        return self.since, self.page, self.token

    def request(self, per_page: int) -> tuple[dict, dict]:
        """(query parameters, headers) of this page."""
        params: dict = {"per_page": per_page}
        if self.token:
            params["page_token"] = self.token
        else:
            params["page"] = self.page
        headers = {"If-Modified-Since": self.since} if self.since else {}
        return params, headers


def window_before(moment: dt.datetime) -> str:
    """The If-Modified-Since that still includes every record of `moment`'s second."""
    return zoho_time(moment - ONE_SECOND)


def later(first: str | None, second: str | None) -> str | None:
    times = [t for t in (first, second) if t]
    return max(times, key=lambda t: parse_time(t) or dt.datetime.min.replace(tzinfo=dt.UTC)) \
        if times else None


def following(state: ReadCursor, stamped: list[tuple[str, str]], info: dict,
              per_page: int) -> ReadCursor | None:
    """The cursor of the next page of this pass, from this page's (time, id) pairs in
    order; None when the pass is over."""
    times = [t for t, _id in stamped]
    seen = later(state.seen, max(times, key=lambda t: parse_time(t) or t) if times else None)
    if not info.get("more_records"):
        return None
    last = parse_time(times[-1]) if times else None
    if last is not None and window_before(last) != state.since:
        first_second = tuple(i for t, i in stamped if parse_time(t) == last)
        after = ReadCursor(window_before(last), 1, None, seen, first_second)
    elif (state.page + 1) * per_page <= DISCRETE_LIMIT and not state.token:
        after = ReadCursor(state.since, state.page + 1, None, seen, state.skip)
    else:
        token = info.get("next_page_token")
        if not isinstance(token, str) or not token:
            raise ConnectorError(ErrorCategory.APP_UNAVAILABLE, "Zoho CRM said more records "
                                 "follow but gave no next_page_token.", vendor_message=str(info))
        after = ReadCursor(state.since, state.page + 1, token, seen, state.skip)
    # "More records" that never move the window would read the same page for ever.
    Paginator(APP, state.position).advance(after.position)
    return after


def next_pass(state: ReadCursor, times: list[str]) -> ReadCursor:
    """The cursor of the pass after this one: from the newest record read."""
    seen = later(state.seen, max(times, key=lambda t: parse_time(t) or t) if times else None)
    moment = parse_time(seen)
    return ReadCursor(since=window_before(moment) if moment else state.since)
