"""Two worker processes sharing one app's rate limit stay under it together."""

import math
import multiprocessing
import os
import time

import pytest
import redis

from connectors.sdk import ConnectorError, HttpClient
from connectors.sdk.ratelimit import RedisRateLimiter, safe_burst
from tests.kits.sandbox import connect, sandbox_server
from tests.kits.toy import ToyConnector, ToySandbox

LIMIT, PERIOD, CALLS_EACH = 5, 1.0, 8


def _redis():
    return redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))


def _worker(url: str, access_token: str, key: str, results) -> None:
    """One worker process: every call goes through the shared limiter; none is retried."""
    limiter = RedisRateLimiter(_redis(), key, LIMIT, PERIOD)
    http = HttpClient(limiter=limiter, max_attempts=1)
    headers = {"Authorization": f"Bearer {access_token}"}
    outcomes = []
    for _ in range(CALLS_EACH):
        try:
            http.request("GET", url + "/api/people", headers=headers)
            outcomes.append("ok")
        except ConnectorError as exc:
            outcomes.append(str(exc.category))
    results.put(outcomes)


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


@pytest.mark.parametrize("workers", [2])
def test_two_processes_share_one_budget_and_the_app_never_says_429(workers):
    sandbox = ToySandbox(rate=(LIMIT, PERIOD))
    key = f"test-toy-{time.time_ns()}"
    with sandbox_server(sandbox) as url:
        token = connect(ToyConnector, url, "admin@toy.example")
        sandbox.calls.clear()
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        processes = [
            context.Process(target=_worker, args=(url, token.access_token, key, results))
            for _ in range(workers)
        ]
        started = time.monotonic()
        for process in processes:
            process.start()
        outcomes = [outcome for _ in processes for outcome in results.get(timeout=60)]
        for process in processes:
            process.join(timeout=10)
        elapsed = time.monotonic() - started
    assert outcomes == ["ok"] * (workers * CALLS_EACH)
    arrivals = [moment for moment, _method, _path in sandbox.calls]
    assert _max_in_window(arrivals, PERIOD) <= LIMIT
    # 16 calls at 5 per second cannot finish in much under 3 seconds.
    assert elapsed >= (workers * CALLS_EACH - LIMIT) / LIMIT * PERIOD * 0.9


def test_limiter_paces_evenly_and_says_how_long_to_wait():
    """3 per 10 s goes one every 3.5 s (10 s widened by the 5% margin), not 3 at once."""
    limiter = RedisRateLimiter(_redis(), f"test-pace-{time.time_ns()}", 3, 10.0)
    assert limiter.try_acquire() == 0.0
    wait = limiter.try_acquire()
    assert 3.0 < wait <= 3.5


@pytest.mark.parametrize(("requests", "per_seconds"), [(100, 10.0), (80, 2.0), (6000, 300.0)])
def test_the_burst_and_steady_pace_never_overfill_a_vendor_window(requests, per_seconds):
    """Back to back from an idle start, the most any window of the vendor's period can
    hold stays within its limit (the vendors' limits, spec.rate_limit)."""
    limiter = RedisRateLimiter(_redis(), "unused", requests, per_seconds)
    most_in_a_window = math.floor(per_seconds / limiter.interval) + limiter.burst
    assert limiter.burst >= 1
    assert most_in_a_window <= requests
    assert safe_burst(requests, 0.05) == limiter.burst
