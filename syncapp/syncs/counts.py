"""Link counts per object sync, read from the trigger-kept tallies (never a scan of links).

They count syncs' own links, so they live here, below every page that shows them
(the sync page, the breaker, health, the API, /metrics). The tally rows are written by
Postgres triggers on syncs_link, installed by health's migrations
(health/models.py::LinkTally, health/tallies.py); this module reads them with SQL only.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from syncapp.syncs.models import COUNTED_AS, COUNTED_AS_FAILED, LinkStatus

COMPACT_ABOVE = 200  # delta rows per read before they are folded into one per key


@dataclass
class SyncCounts:
    by_status: dict[str, int] = field(default_factory=dict)
    failed_by_category: dict[str, int] = field(default_factory=dict)
    excluded_by_reason: dict[str, int] = field(default_factory=dict)

    def counted_as(self, count: str) -> int:
        """One of the dashboard's counts: the links of every status COUNTED_AS names."""
        return sum(self.by_status.get(status, 0) for status in COUNTED_AS[count])

    @property
    def in_sync(self) -> int:
        return self.counted_as("in_sync")

    @property
    def failed(self) -> int:
        """Deleted records too, as DESIGN says."""
        return self.counted_as("failed")

    @property
    def excluded(self) -> int:
        return self.counted_as("excluded")

    @property
    def pending(self) -> int:
        return self.by_status.get(LinkStatus.PENDING, 0)

    def deleted(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def deleted_total(self) -> int:
        """The part of `failed` that is a delete, on one side or both (the rest failed
        to write)."""
        return self.failed - self.by_status.get(LinkStatus.FAILED, 0)


_READ = """
SELECT object_sync_id, status, detail, sum(n), count(*)
FROM health_linktally WHERE object_sync_id = ANY(%s) GROUP BY 1, 2, 3
"""

_COMPACT = """
WITH gone AS (
  DELETE FROM health_linktally WHERE object_sync_id = ANY(%s)
  RETURNING object_sync_id, status, detail, n
)
INSERT INTO health_linktally (object_sync_id, status, detail, n)
SELECT object_sync_id, status, detail, sum(n) FROM gone GROUP BY 1, 2, 3 HAVING sum(n) <> 0
"""


def counts_for(sync_ids: list[int]) -> dict[int, SyncCounts]:
    """Counts of each object sync's links by status, error category and exclusion reason."""
    result: dict[int, SyncCounts] = defaultdict(SyncCounts)
    if not sync_ids:
        return result
    with connection.cursor() as cursor:
        cursor.execute(_READ, [list(sync_ids)])
        rows = cursor.fetchall()
    deltas = 0
    for sync_id, status, detail, total, pieces in rows:
        deltas += pieces
        if not total:
            continue
        counts = result[sync_id]
        counts.by_status[status] = counts.by_status.get(status, 0) + total
        if status in COUNTED_AS_FAILED:
            bucket = counts.failed_by_category
        elif status in COUNTED_AS["excluded"]:
            bucket = counts.excluded_by_reason
        else:
            continue
        bucket[detail] = bucket.get(detail, 0) + total
    if deltas > COMPACT_ABOVE * max(1, len(sync_ids)):
        compact(sync_ids)
    return result


def compact(sync_ids: list[int]) -> None:
    """Fold the delta rows into one per key. Safe beside writers and other compactions:
    a row is deleted once (a second DELETE waits, then skips it) and re-added as a sum."""
    with connection.cursor() as cursor:
        cursor.execute(_COMPACT, [list(sync_ids)])
