"""A worker's heap as the garbage collector sees it: long-lived objects kept out of its
full passes (settle_heap), and its young passes made rare while a sync runs
(few_collections)."""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Young objects a sync run may hold before the collector looks at them: a batch of
# 2,000 records keeps 20,000-40,000 alive until it commits, and the batch in flight as
# many again (syncs/run/ahead.py). At the default 700 the collector made about 7,700
# passes over them in an initial sync of 100,000 contacts a side and freed 26 objects.
RUN_YOUNG_THRESHOLD = 100_000

_lock = threading.Lock()
_runs = 0  # runs inside few_collections now, in any thread of the process
_given: tuple[int, int, int] = (700, 10, 10)  # the thresholds the first of them found


def settle_heap() -> None:
    """Move every object alive now to the collector's permanent generation: the modules,
    Django's registries, the connectors' specs, hundreds of thousands of objects a full
    collection would otherwise walk each time. A sync batch allocates enough to start
    one every few batches: at 100,000 records a side, the full passes took a fifth of
    the initial sync (22.9 s, against 18.1 s with this). Call it once, when the process
    has imported what it runs (syncapp/celery.py: each worker process as it starts);
    what is alive then is never collected, so not later, with garbage about."""
    gc.freeze()


@contextmanager
def few_collections() -> Iterator[None]:
    """While a sync runs, the collector starts a pass only once RUN_YOUNG_THRESHOLD more
    objects are alive than at its last, not 700: a batch's objects die by reference
    counting when it is committed, almost never in a cycle, so each pass walked the
    live batch again for nothing. A cycle made all the same is still collected, by the
    next pass or when the run ends and the process's thresholds are back.

    Alternated with the collector's defaults at 100,000 contacts a side, 4 pairs: the
    engine's CPU per 1,000 records 0.125-0.158 s against 0.153-0.172 (mean 0.138
    against 0.162), 4,543-5,799 records/s against 4,241-5,022 (mean +13%), the same
    peak memory; 2 passes in the initial sync against about 7,700. The thresholds are
    the process's: the first run in raises them, the last one out gives back what the
    first found."""
    global _runs, _given  # noqa: PLW0603 - one collector per process
    with _lock:
        if _runs == 0:
            _given = gc.get_threshold()
            gc.set_threshold(max(_given[0], RUN_YOUNG_THRESHOLD), *_given[1:])
        _runs += 1
    try:
        yield
    finally:
        with _lock:
            _runs -= 1
            if _runs == 0:
                gc.set_threshold(*_given)
