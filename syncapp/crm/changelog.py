"""Reading the hub's change log incrementally, without ever skipping a change.

Ids (and timestamps) are handed out when a row is written, not when its
transaction commits: a transaction that wrote id 10 may commit after one that
wrote id 11, and a reader that saw 11 and moved its cursor past it would never
see 10. Instead each row carries the id of the transaction that wrote it, and a
reader takes only rows whose transaction is older than the oldest transaction
still running (the snapshot's xmin). Every such transaction has finished, so no
row below that line can appear later. The cursor is (txid, id).
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from syncapp.crm.models import ChangeLogEntry


@dataclass(frozen=True, order=True)
class ChangeCursor:
    txid: int = 0
    id: int = 0

    def encode(self) -> str:
        return f"{self.txid}:{self.id}"

    @classmethod
    def decode(cls, raw: str | None) -> "ChangeCursor":
        if not raw:
            return cls()
        txid, _, entry_id = raw.partition(":")
        return cls(int(txid), int(entry_id))


def visible_horizon() -> int:
    """Transactions with an id below this have all finished (committed or not)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return cursor.fetchone()[0]


def read_changes(portal, after: ChangeCursor, limit: int = 1000, object_type: str | None = None):
    """Up to `limit` change-log entries after `after`, oldest first, and the next cursor."""
    horizon = visible_horizon()
    entries = ChangeLogEntry.objects.for_portal(portal)
    if object_type:
        entries = entries.filter(object_type=object_type)
    entries = list(
        entries.filter(txid__lt=horizon)
        .filter(Q(txid__gt=after.txid) | Q(txid=after.txid, id__gt=after.id))
        .order_by("txid", "id")[:limit]
    )
    if not entries:
        return entries, after
    last = entries[-1]
    return entries, ChangeCursor(last.txid, last.id)


def head(portal, object_type: str | None = None) -> ChangeCursor:
    """A cursor after every change visible now: reading from it sees only later ones."""
    entries = ChangeLogEntry.objects.for_portal(portal).filter(txid__lt=visible_horizon())
    if object_type:
        entries = entries.filter(object_type=object_type)
    last = entries.order_by("-txid", "-id").values_list("txid", "id").first()
    return ChangeCursor(*last) if last else ChangeCursor()
