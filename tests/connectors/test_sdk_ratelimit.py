"""Two worker processes sharing one app's rate limit stay under it together."""

import multiprocessing
import os
import time

import pytest
import redis

from connectors.sdk import ConnectorError, HttpClient
from connectors.sdk.ratelimit import RedisRateLimiter
from tests.connectors.harness import connect, sandbox_server
from tests.connectors.toy import ToyConnector, ToySandbox

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


def test_limiter_admits_a_burst_then_says_how_long_to_wait():
    limiter = RedisRateLimiter(_redis(), f"test-burst-{time.time_ns()}", 3, 10.0)
    assert [limiter.try_acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.try_acquire()
    assert 9.0 < wait <= 10.5
