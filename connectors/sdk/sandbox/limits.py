"""The vendors' request limits as a sandbox enforces them: the one home of that logic.

Vendors count in one of two ways. A *rolling window* admits a request while the
last `per` seconds hold fewer than `limit` (HubSpot's ten-secondly limit and its
search limit, Dataverse's 6,000 per 5 minutes). A *token bucket* holds `limit`
tokens and refills them evenly over `per` seconds (Pipedrive's burst limit), so
a spent bucket admits again a little at a time rather than all at once.

Each check answers what the vendor's headers tell: the limit, what is left, and
how long until the next request would be admitted (Retry-After on a 429). The
objects are plain data, so a sandbox's state still pickles.
"""

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int  # requests still admitted now, after this one
    wait_s: float  # until the next request would be admitted (0 while some remain)

    @property
    def retry_after(self) -> int:
        """Whole seconds, as Retry-After is sent; never 0 on a refusal."""
        return max(1, math.ceil(self.wait_s))


@dataclass
class RollingWindow:
    hits: deque = field(default_factory=deque)

    def admit(self, limit: int, per: float, now: float) -> Verdict:
        while self.hits and self.hits[0] <= now - per:
            self.hits.popleft()
        if len(self.hits) >= limit:
            return Verdict(False, limit, 0, self.hits[0] + per - now)
        self.hits.append(now)
        remaining = limit - len(self.hits)
        return Verdict(True, limit, remaining, 0.0 if remaining else self.hits[0] + per - now)


@dataclass
class TokenBucket:
    tokens: float | None = None  # None: full (a new token starts with the whole burst)
    stamp: float = 0.0

    def admit(self, limit: int, per: float, now: float) -> Verdict:
        rate = limit / per
        tokens = limit if self.tokens is None else min(
            limit, self.tokens + (now - self.stamp) * rate)
        self.stamp = now
        if tokens < 1:
            self.tokens = tokens
            return Verdict(False, limit, 0, (1 - tokens) / rate)
        self.tokens = tokens - 1
        remaining = int(self.tokens)
        return Verdict(True, limit, remaining, 0.0 if remaining else (1 - self.tokens) / rate)


POLICIES = {"rolling_window": RollingWindow, "token_bucket": TokenBucket}


@dataclass
class Limits:
    """One counter per key (an access token, a user) under one policy."""

    policy: str = "rolling_window"
    rate: tuple[int, float] | None = None  # the limit these counters were kept under
    counters: dict = field(default_factory=dict)

    def check(self, key: str, limit: int, per: float, now: float) -> Verdict:
        counter = self.counters.get(key)
        if counter is None:
            counter = self.counters[key] = POLICIES[self.policy]()
        return counter.admit(limit, per, now)
