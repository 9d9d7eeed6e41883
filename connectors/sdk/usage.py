"""A vendor's daily API budget as its replies report it, and the share Syncapp may spend.

Some vendors count every call against a daily total per account and say on each reply
how much of it is spent (Salesforce's `Sforce-Limit-Info: api-usage=used/max`). A
connector teaches the HTTP client to read that (`HttpClient.usage_reader`); the client
then keeps the latest reading, hands it to a gauge (the product keeps it in Redis, for
the connection's page: the dashboard never calls a vendor), and refuses to send more
once the spent share reaches the connection's allowance, with a message a person can
act on. The run pauses on that refusal (category RATE_LIMITED) and tries again later.
"""

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from connectors.sdk.errors import ConnectorError, ErrorCategory

# How long a run pauses once the allowance is spent: the vendor's window rolls, so calls
# free up little by little; an hour costs at most one refused call an hour.
PAUSE_S = 3600
KEY_PREFIX = "apiusage:"


@dataclass(frozen=True)
class ApiUsage:
    """Calls spent in the vendor's window (24 hours for Salesforce), of how many."""

    used: int
    limit: int

    @property
    def share(self) -> float:
        return self.used / self.limit if self.limit else 0.0


# (reply headers) -> the usage they report, or None when they say nothing of it.
UsageReader = Callable[[Mapping[str, str]], ApiUsage | None]


class UsageGauge(Protocol):
    def record(self, usage: ApiUsage) -> None: ...

    def latest(self) -> ApiUsage | None: ...


def budget_spent(usage: ApiUsage | None, allowed_share: float | None) -> ConnectorError | None:
    """The refusal to send another call, once `usage` reached the allowed share."""
    if usage is None or allowed_share is None or not usage.limit:
        return None
    if usage.used < allowed_share * usage.limit:
        return None
    return ConnectorError(
        ErrorCategory.RATE_LIMITED,
        "Syncapp has used its share of the app's daily API budget.",
        vendor_message=(f"API calls used in the last 24 h: {usage.used} of {usage.limit}; "
                        f"Syncapp may use {allowed_share:.0%} of them. Syncing resumes as "
                        "calls free up, or raise the share on the connection's page."),
        retry_after=PAUSE_S,
    )


class RedisUsageGauge:
    """The latest reading of one connection, in a Redis hash keyed by connection id."""

    def __init__(self, redis, connection_id: int):
        self.redis = redis
        self.field = str(connection_id)

    def record(self, usage: ApiUsage) -> None:
        value = json.dumps({"used": usage.used, "limit": usage.limit, "at": time.time()})
        self.redis.hset(KEY_PREFIX + "latest", self.field, value)

    def latest(self) -> ApiUsage | None:
        return read_usage(self.redis, [int(self.field)]).get(int(self.field))


def read_usage(redis, connection_ids) -> dict[int, ApiUsage]:
    """{connection id: its latest reading}, for the connections that have one."""
    ids = [str(i) for i in connection_ids]
    if not ids:
        return {}
    found = {}
    for connection_id, raw in zip(ids, redis.hmget(KEY_PREFIX + "latest", ids), strict=True):
        try:
            data = json.loads(raw) if raw else None
            if data:
                found[int(connection_id)] = ApiUsage(int(data["used"]), int(data["limit"]))
        except (ValueError, KeyError, TypeError):
            continue
    return found
