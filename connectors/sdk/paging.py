"""Following a vendor's page cursors, and refusing one that comes round again.

A vendor that answers a page with the cursor it was asked for (or one it handed
out earlier in the same listing) would keep a read going for ever, spending the
connection's budget on the same records. The paginator remembers every cursor it
has followed and raises a classified error instead, so the run stops with a
message a person can act on. A cursor is whatever tells one page from the next:
a token, a link, or a position such as (since, offset).

A connector reads either one page per call (the engine stores the cursor between
calls: start the paginator at the stored cursor and `advance` once) or a whole
listing at once (`pages`).
"""

from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

from connectors.sdk.errors import ConnectorError, ErrorCategory

Cursor = TypeVar("Cursor", bound=Hashable)
Page = TypeVar("Page")


class RepeatedCursorError(ConnectorError):
    """The vendor handed back a page cursor the read had already followed."""

    def __init__(self, app: str, cursor: object):
        super().__init__(
            ErrorCategory.APP_UNAVAILABLE,
            f"{app} repeated a page cursor; the read stopped to avoid a loop.",
            vendor_message=str(cursor)[:200],
        )


class Paginator(Generic[Cursor]):
    """One listing's cursors, from `start` (None: the first page) to the last page."""

    def __init__(self, app: str, start: Cursor | None = None):
        self.app = app
        self.cursor: Cursor | None = start
        self._followed: set[Cursor] = set() if start is None else {start}

    def advance(self, following: Cursor | None) -> Cursor | None:
        """The cursor of the next page, as the vendor gave it; None after the last
        page. A cursor already followed raises RepeatedCursorError."""
        if following is not None and following in self._followed:
            raise RepeatedCursorError(self.app, following)
        if following is not None:
            self._followed.add(following)
        self.cursor = following
        return following

    def pages(self, fetch: Callable[[Cursor | None], tuple[Page, Cursor | None]]) -> Iterator[Page]:
        """Each page of the listing: `fetch(cursor)` answers a page and the cursor of
        the one after it (None on the last)."""
        while True:
            page, following = fetch(self.cursor)
            yield page
            if self.advance(following) is None:
                return
