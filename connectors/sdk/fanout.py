"""Writing one record per request, several requests in flight, outcomes in order.

For vendors without batch endpoints a write costs a round trip per record, so one
request at a time spends the budget on waiting: at 250 ms a request, a single
thread sends 4 a second against Pipedrive's 40. A few threads keep the budget
full; the client's shared limiter (ratelimit.py) still decides when each request
may go, so more threads never means more than the vendor allows.
"""

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from connectors.sdk.errors import ConnectorError
from connectors.sdk.records import WriteOutcome


def write_each(items: Sequence[tuple[str, object]], work: Callable, *,
               workers: int = 1) -> list[WriteOutcome]:
    """`work(ref, item)` for each item, `workers` at a time; one outcome per item, in
    the items' order. A bad record fails alone. After a failure that concerns the
    whole connection (token refused, rate limit beyond what is worth sleeping, vendor
    down), items not yet started are not attempted and carry that error, while the
    writes already sent keep their outcomes: nothing is written twice or silently lost."""
    stop: list[ConnectorError] = []
    guard = threading.Lock()

    def one(ref, item) -> WriteOutcome:
        with guard:
            if stop:
                return WriteOutcome(str(ref), error=stop[0])
        try:
            return WriteOutcome(str(ref), record=work(ref, item))
        except ConnectorError as exc:
            if exc.connection_wide:
                with guard:
                    stop.append(exc)
            return WriteOutcome(str(ref), error=exc)

    if workers <= 1 or len(items) <= 1:
        return [one(ref, item) for ref, item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items)),
                            thread_name_prefix="write-each") as pool:
        return list(pool.map(lambda pair: one(*pair), items))
