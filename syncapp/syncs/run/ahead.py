"""Reading ahead (SYNC_READ_AHEAD, on by default): batch n's hub transaction commits on
a second connection while the runner reads and decides batch n+1, so Postgres and Python
work at the same time (settings/base.py has the measurements). The commit's Python
shares the GIL with the next decision, so the overlap is bounded by it. Nothing a lookup
does may depend on what the batch in flight has not committed yet: the links'
statistics are taken after a commit, not by a lookup (store.known_to_planner).

What keeps this as safe as one batch after the other:
- deciding only reads. A plan made while batch n was in flight read the database as
  it was before batch n. When the two batches share a record or an identifier key
  (their `Footprint`s meet), batch n+1 waits for batch n to commit and is decided
  again;
- batch n+1's app writes (its pending links first, then its app calls) go out while
  batch n commits only when their footprints do not meet and batch n's own app writes
  met no outage (an app down, limiting or refusing us: batch n's commit then stops the
  run, and batch n+1 sends nothing). Batch n+1's hub transaction always waits for
  batch n's, so cursors advance in order;
- if batch n's commit fails all the same (Postgres gone), batch n+1 is dropped, and
  the run stops as it would have. Its app writes are then where a worker killed
  between its app writes and its commit leaves them: its creates announced by their
  pending links, its writes read back by the next run and found equal (runner.py,
  PENDING_GRACE);
- the hub transaction uses only the database (executor.commit): every app call stays
  on the runner's thread.

Only the initial sync's two scans read ahead: they read disjoint slices of each side,
where footprints rarely meet. A caller already inside a transaction (a test's) gets
the batches applied in turn, since a second connection could not see its rows.
"""

import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, connections

from syncapp.syncs.run import executor

# The commit's thread takes the GIL back after each of its ~15 round trips to Postgres,
# while the next decision holds it; CPython makes a thread that asks wait for the switch
# interval (5 ms by default) before the holder lets go, and the commit is what the run
# waits for. At 1 ms, alternated at 100,000 a side: 2,713-3,312 records/s against
# 2,872-3,071, the engine's Python busy 73-75% of the time against 70-71%.
SWITCH_INTERVAL_S = 0.001


@dataclass
class Footprint:
    """What a batch read or planned to write: the records and identifier keys that
    another batch's outcome could change."""

    app_ids: set = field(default_factory=set)
    hub_ids: set = field(default_factory=set)
    keys: set = field(default_factory=set)  # (match column, normalised key)

    def meets(self, other: "Footprint") -> bool:
        return bool(self.app_ids & other.app_ids or self.hub_ids & other.hub_ids
                    or self.keys & other.keys)


class ReadAhead:
    """At most one batch's hub transaction in flight, on a thread of its own."""

    def __init__(self, enabled: bool | None = None):
        if enabled is None:
            enabled = settings.SYNC_READ_AHEAD and not connection.in_atomic_block
        self._enabled = enabled
        self._pool: ThreadPoolExecutor | None = None  # started by the first batch it takes
        self._switch_interval = sys.getswitchinterval()  # the process's, given back by close
        self._in_flight: tuple[Any, executor.Sent, Future] | None = None  # (BatchRun, …)
        self.redecided = 0  # batches decided again after the one in flight (bench, tests)

    @property
    def busy(self) -> bool:
        return self._in_flight is not None

    def apply(self, decide, on_commit) -> None:
        """Decide a batch (`decide()` returns a BatchRun with its plan made), send its
        app writes (while the batch before it commits, unless they must wait: see the
        module's docstring), then commit its hub side once the batch before it has,
        in the background when reading ahead. `on_commit(batch)` runs in that commit."""
        batch = decide()
        batch.prepare()  # still while batch n commits
        if self._in_flight is not None and self._must_wait(batch):
            earlier = self.settle()
            if earlier.footprint.meets(batch.footprint):
                self.redecided += 1
                batch = decide()  # batch n's writes are visible now
        # Timed at 100,000 a side, sending took 2.2 s of a 16.2 s initial sync, while
        # the commit before it had long been waited for: now the two overlap.
        sent = executor.send_to_app(batch, batch.plan)
        self.settle()
        if not self._enabled:
            executor.commit(batch, batch.plan, sent, lambda: on_commit(batch))
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, "sync-apply")
            sys.setswitchinterval(min(SWITCH_INTERVAL_S, self._switch_interval))
        batch.field_labels.prime()  # a failure's label is never fetched off this thread
        self._in_flight = (batch, sent, self._pool.submit(
            executor.commit, batch, batch.plan, sent, lambda: on_commit(batch)))

    def _must_wait(self, batch) -> bool:
        """Whether `batch` sends nothing before the batch in flight has committed."""
        assert self._in_flight is not None
        earlier, sent, _ = self._in_flight
        return earlier.footprint.meets(batch.footprint) or sent.outage() is not None

    def settle(self):
        """Wait for the batch in flight to commit; raise what it raised. Its BatchRun."""
        if self._in_flight is None:
            return None
        batch, _, future = self._in_flight
        self._in_flight = None
        future.result()
        return batch

    def close(self) -> None:
        """Settle, then end the thread and its database connection."""
        if self._pool is None:
            return
        try:
            self.settle()
        finally:
            sys.setswitchinterval(self._switch_interval)
            self._pool.submit(connections.close_all).result()
            self._pool.shutdown()
            self._pool = None
