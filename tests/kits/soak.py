"""How long the long suites run: a smoke in `make test`, the full length in `make soak`.

`make soak` sets SOAK=1. A suite picks its size with `by_run(smoke, soak)`, so the
smoke exercises the same code path as the long run, on less data or fewer steps.
"""

import os
from typing import TypeVar

T = TypeVar("T")

SOAK = os.environ.get("SOAK", "") == "1"


def by_run(smoke: T, soak: T) -> T:
    """`soak` under `make soak`, `smoke` otherwise."""
    return soak if SOAK else smoke
