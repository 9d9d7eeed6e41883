"""A vendor's daily budget as the HTTP client keeps it (connectors/sdk/usage.py): the
reading goes to the gauge, and no call is sent once the allowed share is spent."""

import os
import uuid

import pytest
import redis
import requests

from connectors.sdk import ConnectorError, ErrorCategory, HttpClient
from connectors.sdk.usage import ApiUsage, RedisUsageGauge, budget_spent, read_usage


def test_the_allowed_share_is_spent_at_the_boundary_and_not_before():
    assert budget_spent(ApiUsage(49, 100), 0.5) is None
    spent = budget_spent(ApiUsage(50, 100), 0.5)
    assert spent.category is ErrorCategory.RATE_LIMITED and spent.retry_after == 3600
    assert "50 of 100" in spent.vendor_message and "50%" in spent.vendor_message
    assert budget_spent(ApiUsage(99, 100), None) is None  # no allowance set: no stop
    assert budget_spent(None, 0.5) is None


def test_a_reading_kept_in_redis_reaches_a_new_client_before_its_first_call():
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    connection_id = uuid.uuid4().int % 10**9
    gauge = RedisUsageGauge(client, connection_id)
    gauge.record(ApiUsage(90, 100))
    assert read_usage(client, [connection_id, connection_id + 1]) == {
        connection_id: ApiUsage(90, 100)}

    sent = []
    session = requests.Session()
    session.request = lambda *args, **kwargs: sent.append(args)  # never reached
    http = HttpClient(session=session, usage_gauge=gauge, budget_share=0.8)
    http.usage_reader = lambda headers: None
    with pytest.raises(ConnectorError) as stopped:
        http.request("GET", "http://vendor.invalid/api")
    assert stopped.value.category is ErrorCategory.RATE_LIMITED
    assert sent == []
    client.hdel("apiusage:latest", str(connection_id))
