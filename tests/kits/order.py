"""The order the suite's tests are handed out in: the long modules first.

`make test` runs on xdist's `loadgroup` schedule, which hands tests (and each
`xdist_group` as a whole) to the workers in collection order. Collected alphabetically,
the crawl (tests/site) and other long groups started with most of the run behind them,
and one worker finished them while the others sat idle. So modules holding an xdist
group go first, then those holding a test that runs a browser, a worker process or the
product's stack, or sizes itself for `make soak`; the many quick modules fill the gaps
at the end. Within each rank, pytest-django's order stands.
"""

import pytest

LONG_MARKERS = ("e2e", "browser", "worker", "grows_in_soak")


def _rank(item: pytest.Item) -> int:
    """0: in an xdist group (the stack stories, the crawl: the longest units); 1: long;
    2: the rest."""
    if item.get_closest_marker("xdist_group") is not None:
        return 0
    return 1 if any(item.get_closest_marker(name) is not None for name in LONG_MARKERS) else 2


@pytest.hookimpl(trylast=True)  # after pytest-django's own order (database tests first)
def pytest_collection_modifyitems(config, items):
    rank: dict[object, int] = {}  # by module
    for item in items:
        rank[item.module] = min(rank.get(item.module, 2), _rank(item))
    position = {id(item): index for index, item in enumerate(items)}
    items.sort(key=lambda item: (rank[item.module], position[id(item)]))
