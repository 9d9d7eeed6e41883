"""Object syncs and what they record: settings, links, runs and history.

One module per concern (`object_sync`, `links`, `runs`, `held`: the mass-change
breaker's rows); every model is re-exported
here, so `from syncapp.syncs.models import Link` is the one way in, and migrations
that name `syncapp.syncs.models.default_poll_interval` still find it.
"""

from syncapp.syncs.models.held import HeldChange, MassChangeGuard
from syncapp.syncs.models.links import (
    COUNTED_AS,
    COUNTED_AS_FAILED,
    FAILED_FALLBACK_CATEGORY,
    Link,
    LinkQuerySet,
    LinkStatus,
)
from syncapp.syncs.models.object_sync import (
    ConflictRule,
    Direction,
    FieldMapping,
    FilterSide,
    Matching,
    ObjectSync,
    SyncFilter,
    SyncState,
    Winner,
    default_poll_interval,
)
from syncapp.syncs.models.runs import HistoryEntry, Run, RunKind, RunStatus, history_sides

__all__ = [
    "COUNTED_AS",
    "COUNTED_AS_FAILED",
    "FAILED_FALLBACK_CATEGORY",
    "ConflictRule",
    "Direction",
    "FieldMapping",
    "FilterSide",
    "HeldChange",
    "HistoryEntry",
    "Link",
    "LinkQuerySet",
    "LinkStatus",
    "MassChangeGuard",
    "Matching",
    "ObjectSync",
    "Run",
    "RunKind",
    "RunStatus",
    "SyncFilter",
    "SyncState",
    "Winner",
    "default_poll_interval",
    "history_sides",
]
