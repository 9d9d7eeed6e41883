"""Finished runs per object sync and outcome, read from the trigger-kept tallies."""

from django.db import connection

COMPACT_ABOVE = 200  # delta rows per (sync, outcome) before they are folded into one

_READ = """
SELECT object_sync_id, status, sum(n), count(*) FROM monitoring_runtally GROUP BY 1, 2
"""

_COMPACT = """
WITH gone AS (DELETE FROM monitoring_runtally RETURNING object_sync_id, status, n)
INSERT INTO monitoring_runtally (object_sync_id, status, n)
SELECT object_sync_id, status, sum(n) FROM gone GROUP BY 1, 2 HAVING sum(n) <> 0
"""


def runs_by_outcome() -> dict[tuple[int, str], int]:
    """{(object sync id, status): finished runs}, for every sync (deleted ones sum to 0)."""
    with connection.cursor() as cursor:
        cursor.execute(_READ)
        rows = cursor.fetchall()
    if sum(pieces for *_key, pieces in rows) > COMPACT_ABOVE * max(1, len(rows)):
        compact()
    return {(sync_id, status): total for sync_id, status, total, _pieces in rows if total}


def compact() -> None:
    """Fold the delta rows into one per key (safe beside writers, as syncs.counts)."""
    with connection.cursor() as cursor:
        cursor.execute(_COMPACT)
