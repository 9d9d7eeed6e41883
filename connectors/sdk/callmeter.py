"""Counts of a connection's API calls, 429s and retries, kept in Redis.

Calls happen in worker processes while /metrics is answered by the web processes,
so the counts cannot live in any one process: each event is one HINCRBY on a hash
per kind of event, keyed by connection id. Reading them back is one HGETALL per
kind however many connections there are.
"""

from enum import StrEnum
from typing import Protocol


class CallEvent(StrEnum):
    CALL = "calls"  # a request sent to the vendor (every attempt, retries included)
    RATE_LIMITED = "rate_limited"  # the vendor answered 429
    RETRY = "retries"  # an attempt sent again after a failure, a 429 or a token refresh


KEY_PREFIX = "apicalls:"


class CallMeter(Protocol):
    def count(self, event: CallEvent) -> None: ...


class RedisCallMeter:
    """Counts the events of one connection's HTTP client."""

    def __init__(self, redis, connection_id: int):
        self.redis = redis
        self.field = str(connection_id)

    def count(self, event: CallEvent) -> None:
        self.redis.hincrby(f"{KEY_PREFIX}{event}", self.field, 1)


def read_call_counts(redis) -> dict[CallEvent, dict[int, int]]:
    """{event: {connection id: count}} since the counters began (they only grow)."""
    with redis.pipeline(transaction=False) as pipe:
        for event in CallEvent:
            pipe.hgetall(f"{KEY_PREFIX}{event}")
        replies = pipe.execute()
    return {
        event: {int(field): int(value) for field, value in reply.items()}
        for event, reply in zip(CallEvent, replies, strict=True)
    }
