"""The object view's lists: one status (and category or reason) of one object sync,
newest link first, paged by id in the indexes of migrations/0003."""

from syncapp.core import params
from syncapp.syncs.models import HistoryEntry, Link

LIST_SIZE = 50
HISTORY_SIZE = 100


def _page(rows, after: str | None, size: int = LIST_SIZE) -> tuple[list[Link], int | None]:
    last_seen = params.optional_id(after, "after")
    if last_seen is not None:
        rows = rows.filter(pk__lt=last_seen)
    found = list(rows.order_by("-id")[: size + 1])
    return found[:size], (found[size - 1].pk if len(found) > size else None)


def in_sync_page(sync, after: str | None = None):
    return _page(Link.objects.filter(object_sync=sync).counted_as("in_sync"), after)


def excluded_page(sync, reason: str = "", after: str | None = None):
    rows = Link.objects.filter(object_sync=sync).counted_as("excluded")
    if reason:
        rows = rows.filter(exclusion_reason=reason)
    return _page(rows, after)


def problem_links(sync, category: str):
    """Failed and deleted links whose (effective) error category is `category`."""
    return Link.objects.filter(object_sync=sync).failed_in_category(category)


def failed_page(sync, category: str, after: str | None = None):
    return _page(problem_links(sync, category), after)


def history_of(link: Link, limit: int = HISTORY_SIZE) -> list[HistoryEntry]:
    return list(HistoryEntry.objects.filter(link=link, portal_id=link.portal_id)
                .select_related("run").order_by("-id")[:limit])
