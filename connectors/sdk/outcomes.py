"""An outcome per item of a write, and the one rule for stopping early.

Every write a connector makes (create, update, delete, associate) answers with one
outcome per item, in the items' order; a bad record fails alone. After an error
whose category concerns the whole connection (errors.CONNECTION_WIDE: token
refused, scope missing, rate limit beyond what is worth sleeping, vendor down)
nothing more is sent: the items not attempted carry that same error, while the
writes already made keep their outcomes, so nothing is written twice or silently
lost. `Outcomes` keeps that book for batch endpoints, where one request answers
for many items; `per_item` is the whole loop for vendors that take one item a
request, with several requests in flight.
"""

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from connectors.sdk.errors import ConnectorError
from connectors.sdk.records import AppRecord, WriteOutcome

Item = TypeVar("Item")


class Outcomes:
    """The outcomes of one write call, filled by index in any order (threads too)."""

    def __init__(self, refs: Sequence[str]):
        self._refs = [str(ref) for ref in refs]
        self._settled: list[WriteOutcome | None] = [None] * len(self._refs)
        self._stop: ConnectorError | None = None
        self._guard = threading.Lock()

    @property
    def stopped(self) -> ConnectorError | None:
        """The connection-wide error that stopped the write, if one did."""
        return self._stop

    def settle(self, index: int, record: AppRecord | None = None,
               error: ConnectorError | None = None) -> None:
        """Item `index` was written (`record`, where the vendor returns one) or failed."""
        self._settled[index] = WriteOutcome(self._refs[index], record=record, error=error)

    def stop_on(self, error: ConnectorError) -> bool:
        """Whether `error` stops the write; if so, nothing more is attempted and every
        item still without an outcome carries it."""
        if not error.connection_wide:
            return False
        with self._guard:
            self._stop = self._stop or error
        return True

    def attempt(self, index: int, call: Callable[[], AppRecord | None], *,
                refine: Callable[[ConnectorError], ConnectorError] | None = None) -> None:
        """`call()` for item `index` unless the write has stopped: its record as the
        outcome, or its error (through `refine` when it fails this item alone)."""
        if self._stop is not None:
            return
        try:
            record = call()
        except ConnectorError as exc:
            stops = self.stop_on(exc)
            self.settle(index, error=exc if stops or refine is None else refine(exc))
            return
        self.settle(index, record)

    def results(self) -> list[WriteOutcome]:
        """One outcome per item, in order; an item not attempted carries the stop error."""
        finished = []
        for ref, outcome in zip(self._refs, self._settled, strict=True):
            if outcome is None and self._stop is None:
                raise RuntimeError(f"Item {ref!r} was neither written nor stopped.")
            finished.append(outcome or WriteOutcome(ref, error=self._stop))
        return finished


def per_item(items: Sequence[tuple[str, Item]], call: Callable[[str, Item], AppRecord | None],
             *, workers: int = 1) -> list[WriteOutcome]:
    """`call(ref, item)` for each (ref, item) pair, `workers` at a time; one outcome
    per item, in the items' order, stopping after a connection-wide error."""
    book = Outcomes([ref for ref, _item in items])

    def one(index: int) -> None:
        ref, item = items[index]
        book.attempt(index, lambda: call(ref, item))

    if workers <= 1 or len(items) <= 1:
        for index in range(len(items)):
            one(index)
    else:
        with ThreadPoolExecutor(max_workers=min(workers, len(items)),
                                thread_name_prefix="per-item") as pool:
            list(pool.map(one, range(len(items))))
    return book.results()
