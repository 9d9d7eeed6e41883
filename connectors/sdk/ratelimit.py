"""A request budget shared by every worker process, kept in Redis.

GCRA (the generic cell rate algorithm): Redis keeps one timestamp per key, the
"theoretical arrival time"; a request is allowed when it is no further ahead of
now than the burst the vendor tolerates. Redis's own clock is used, so workers
on machines with skewed clocks still agree.
"""

import time
from collections.abc import Callable
from typing import Protocol

_GCRA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local wait = tat - burst - now
if wait > 0 then return tostring(wait) end
local ttl_ms = math.ceil((burst + interval) * 1000) + 1000
redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', ttl_ms)
return '0'
"""


class RateLimiter(Protocol):
    def acquire(self) -> None: ...


class RedisRateLimiter:
    """At most `requests` per `per_seconds` for one key, across all processes."""

    def __init__(
        self,
        redis,
        key: str,
        requests: int,
        per_seconds: float,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if requests < 1 or per_seconds <= 0:
            raise ValueError("a rate limit needs at least one request per positive period")
        self.key = f"ratelimit:{key}"
        self.interval = per_seconds / requests
        self.burst = per_seconds - self.interval
        self.sleep = sleep
        self._script = redis.register_script(_GCRA)

    def try_acquire(self) -> float:
        """0 when the request may go now, else the seconds to wait before asking again."""
        return float(self._script(keys=[self.key], args=[self.interval, self.burst]))

    def acquire(self) -> None:
        while (wait := self.try_acquire()) > 0:
            self.sleep(wait)
