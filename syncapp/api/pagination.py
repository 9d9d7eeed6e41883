"""Cursor pagination: newest first by id, `cursor` is the last id of the page before.

Keyset paging never skips or repeats a row when rows are added or removed between
pages, which offset paging does.
"""

from django.utils.translation import gettext as _

from syncapp.core import params

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def page(rows, cursor: str | None, limit: int | None) -> dict:
    """{"items": [...], "next_cursor": str or None} of `rows` after `cursor`."""
    limit = limit or DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise params.BadParam("limit", _("“limit” must be between 1 and %(max)d.")
                              % {"max": MAX_LIMIT})
    last_seen = params.optional_id(cursor, "cursor")
    if last_seen is not None:
        rows = rows.filter(pk__lt=last_seen)
    found = list(rows.order_by("-pk")[: limit + 1])
    items = found[:limit]
    more = len(found) > limit
    return {"items": items, "next_cursor": str(items[-1].pk) if more else None}
