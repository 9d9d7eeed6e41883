"""A request budget shared by every worker process, kept in Redis.

Vendors state limits as rolling windows ("100 requests per 10 seconds"), so the
limiter keeps a log of the window's requests in a sorted set and admits a
request only while the window holds fewer than the budget. Redis's own clock is
used, so workers on machines with skewed clocks still agree. The window is
widened by a small margin: a request admitted at the end of one window may
reach the vendor a little later, inside the next.
"""

import time
import uuid
from collections.abc import Callable
from typing import Protocol

_SLIDING_LOG = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
  return '0'
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tostring(math.max(0.001, tonumber(oldest[2]) + window - now))
"""


class RateLimiter(Protocol):
    def acquire(self) -> None: ...


class RedisRateLimiter:
    """At most `requests` per rolling `per_seconds` for one key, across all processes."""

    def __init__(
        self,
        redis,
        key: str,
        requests: int,
        per_seconds: float,
        *,
        margin: float = 0.05,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if requests < 1 or per_seconds <= 0:
            raise ValueError("a rate limit needs at least one request per positive period")
        self.key = f"ratelimit:{key}"
        self.requests = requests
        self.window = per_seconds * (1 + margin)
        self.sleep = sleep
        self._script = redis.register_script(_SLIDING_LOG)

    def try_acquire(self) -> float:
        """0 when the request may go now, else the seconds to wait before asking again."""
        member = uuid.uuid4().hex
        return float(self._script(keys=[self.key], args=[self.requests, self.window, member]))

    def acquire(self) -> None:
        while (wait := self.try_acquire()) > 0:
            self.sleep(wait)
