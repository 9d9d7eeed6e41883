"""The record view: every link of a connection, filtered, newest activity first.

Paging is by keyset on (updated_at, id), never OFFSET. Each object sync's links are
walked in one of the indexes of migrations/0003 from the reader's last row, and the
few per-sync pages are merged in one UNION ALL, so page 2,000 costs what page 1 costs
at a million links.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from syncapp.core import params
from syncapp.syncs.counts import counts_for
from syncapp.syncs.models import COUNTED_AS, Link, LinkStatus

PAGE_SIZE = 50
PERIODS = {"24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7),
           "30d": dt.timedelta(days=30)}
PERIOD_LABELS = {"": gettext_lazy("Any time"), "24h": gettext_lazy("Last 24 hours"),
                 "7d": gettext_lazy("Last 7 days"), "30d": gettext_lazy("Last 30 days"),
                 "custom": gettext_lazy("Custom range")}
STATUSES = [LinkStatus.IN_SYNC, LinkStatus.FAILED, LinkStatus.EXCLUDED,
            LinkStatus.DELETED_IN_HUB, LinkStatus.DELETED_IN_APP, LinkStatus.DELETED_BOTH,
            LinkStatus.PENDING]


def statuses_of(choice: str) -> frozenset[str]:
    """The link statuses a status filter shows: "Failed" means what every count calls
    failed (deletes included), as "In sync" and "Excluded" mean what their counts
    count; any other choice is that status alone."""
    return COUNTED_AS.get(choice, frozenset({choice}))


@dataclass
class RecordFilter:
    sync_ids: list[int]  # the object syncs in view (one when an object type is chosen)
    object_sync: int | None = None
    status: str = ""
    period: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    date_from: str = ""
    date_to: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters (for links, and for an export to replay)."""
        params = {"object": str(self.object_sync or ""), "status": self.status,
                  "period": self.period}
        if self.period == "custom":
            params.update({"from": self.date_from, "to": self.date_to})
        return {k: v for k, v in params.items() if v}


def _day(flt: RecordFilter, raw: str, field: str) -> dt.date | None:
    """The date in `raw`, or None with the field's message in `flt.errors`."""
    try:
        return params.day(raw, field) if raw else None
    except params.BadParam as bad:
        flt.errors[field] = bad.message
        return None


def parse_filter(query, sync_ids: list[int], now: dt.datetime | None = None) -> RecordFilter:
    """The record view's filter from query parameters; bad values land in `errors`."""
    now = now or timezone.now()
    flt = RecordFilter(sync_ids=list(sync_ids))
    raw_object = query.get("object", "")
    if raw_object:
        if params.is_id(raw_object) and int(raw_object) in sync_ids:
            flt.object_sync, flt.sync_ids = int(raw_object), [int(raw_object)]
        else:
            flt.errors["object"] = _("Object: choose an object type from the list.")
    status = query.get("status", "")
    if status and status not in STATUSES:
        flt.errors["status"] = _("Status: “%(status)s” is not a sync status.") % {
            "status": params.text(status, "status", max_length=200)}
    else:
        flt.status = status
    period = query.get("period", "")
    if period in PERIODS:
        flt.period, flt.since = period, now - PERIODS[period]
    elif period == "custom":
        _custom_period(flt, query.get("from", ""), query.get("to", ""))
    elif period:
        flt.errors["period"] = _("Period: choose a time period from the list.")
    return flt


def _custom_period(flt: RecordFilter, raw_from: str, raw_to: str) -> None:
    flt.period, flt.date_from, flt.date_to = "custom", raw_from, raw_to
    start, end = _day(flt, raw_from, "from"), _day(flt, raw_to, "to")
    if not raw_from and not raw_to:
        flt.errors["from"] = _("From: enter a start date, an end date, or both.")
    if start and end and start > end:
        flt.errors["to"] = _("To: the end date is before the start date.")
    if start:
        flt.since = dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC)
    if end:
        flt.until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


def filtered_links(portal, flt: RecordFilter, sync_id: int):
    """One object sync's links matching the filter (unordered)."""
    rows = Link.objects.for_portal(portal).filter(object_sync_id=sync_id)
    if flt.status:
        rows = rows.filter(status__in=statuses_of(flt.status))
    if flt.since:
        rows = rows.filter(updated_at__gte=flt.since)
    if flt.until:
        rows = rows.filter(updated_at__lt=flt.until)
    return rows


def encode_after(link: Link) -> str:
    return f"{link.pk}:{link.updated_at.isoformat()}"


def decode_after(raw: str | None) -> tuple[dt.datetime, int] | None:
    """(moment, id) from the `after` cursor; a malformed one is refused (BadParam)."""
    return params.moment_cursor(raw, "after")


def _before(moment: dt.datetime, link_id: int) -> Q:
    # The outer <= lets the index scan start at the cursor; the OR drops its ties.
    return Q(updated_at__lte=moment) & (Q(updated_at__lt=moment) | Q(id__lt=link_id))


def page_queryset(portal, flt: RecordFilter, after: str | None = None,
                  limit: int = PAGE_SIZE):
    """The page's query: newest activity first, `limit + 1` rows (the extra says "more")."""
    cursor = decode_after(after)
    parts = []
    for sync_id in flt.sync_ids:
        rows = filtered_links(portal, flt, sync_id)
        if cursor:
            rows = rows.filter(_before(*cursor))
        parts.append(rows.order_by("-updated_at", "-id")[: limit + 1])
    if not parts:
        return Link.objects.none()
    if len(parts) == 1:
        return parts[0]
    return parts[0].union(*parts[1:], all=True).order_by("-updated_at", "-id")[: limit + 1]


@dataclass(frozen=True)
class Page:
    links: list[Link]
    next_after: str | None
    count: int
    count_capped: bool


def record_page(portal, flt: RecordFilter, after: str | None = None,
                limit: int = PAGE_SIZE) -> Page:
    rows = list(page_queryset(portal, flt, after, limit))
    next_after = encode_after(rows[limit - 1]) if len(rows) > limit else None
    count, capped = count_matching(portal, flt)
    return Page(rows[:limit], next_after, count, capped)


def count_matching(portal, flt: RecordFilter) -> tuple[int, bool]:
    """(count, capped). Without a period the tallies answer exactly; with one, each object
    sync's matching ids are counted in its index up to the cap."""
    if not flt.since and not flt.until:
        counts = counts_for(flt.sync_ids)
        chosen = statuses_of(flt.status) if flt.status else None
        total = sum(sum(n for status, n in c.by_status.items()
                        if chosen is None or status in chosen) for c in counts.values())
        return total, False
    cap = settings.CRM_COUNT_CAP
    total = 0
    for sync_id in flt.sync_ids:
        total += filtered_links(portal, flt, sync_id).order_by().values("id")[: cap + 1].count()
        if total > cap:
            return cap, True
    return total, False
