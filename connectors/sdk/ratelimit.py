"""A request budget shared by every worker process, kept in Redis.

Vendors state limits as windows ("100 requests per 10 seconds"). Sending the
whole budget at once and then waiting out the window leaves the vendor idle half
the time and meets a 429 whenever another process or a clock disagrees, so the
limiter *paces* instead: a generic cell rate algorithm (a token bucket kept as
one timestamp) lets a request go every `per_seconds / requests`, with a burst
small enough that no window of `per_seconds` ever holds more than `requests`.
Redis's own clock is used, so workers on machines with skewed clocks agree. The
period is widened by a small margin: a request admitted now may reach the vendor
a little later, next to one admitted after it.
"""

import math
import time
from collections.abc import Callable
from typing import Protocol

# KEYS[1]: the theoretical arrival time of the next request at the steady pace.
# ARGV: seconds between requests, burst tolerance in seconds.
_CELL_RATE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
if tat - tolerance > now then
  return tostring(tat - tolerance - now)
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.6f', next_tat),
           'PX', math.ceil((next_tat - now) * 1000) + 1000)
return '0'
"""


class RateLimiter(Protocol):
    def acquire(self) -> None: ...


def safe_burst(requests: int, margin: float) -> int:
    """The most requests that may go back to back while, at the widened steady pace,
    no window of the vendor's period holds more than its limit: the steady pace fills
    requests / (1 + margin) of each window, the burst only the rest."""
    return max(1, math.floor(requests * margin / (1 + margin)))


class RedisRateLimiter:
    """At most `requests` per `per_seconds` for one key, across all processes, sent at
    an even pace (see the module docstring)."""

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
        self.key = f"ratepace:{key}"
        self.requests = requests
        self.interval = per_seconds * (1 + margin) / requests
        self.burst = safe_burst(requests, margin)
        self.sleep = sleep
        self._script = redis.register_script(_CELL_RATE)

    def try_acquire(self) -> float:
        """0 when the request may go now, else the seconds to wait before asking again."""
        tolerance = (self.burst - 1) * self.interval
        return float(self._script(keys=[self.key], args=[self.interval, tolerance]))

    def acquire(self) -> None:
        while (wait := self.try_acquire()) > 0:
            self.sleep(wait)
