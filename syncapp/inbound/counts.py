"""Bad input counted per connection and reason (the sync page and health show it)."""

import logging

from django.db import connection as db

from syncapp.inbound.models import Endpoint, Refusal, RefusalCount

log = logging.getLogger(__name__)

_UPSERT = """
INSERT INTO inbound_refusalcount (endpoint_id, reason, count, last_at, last_detail)
VALUES (%s, %s, %s, now(), %s)
ON CONFLICT (endpoint_id, reason) DO UPDATE SET
  count = inbound_refusalcount.count + EXCLUDED.count,
  last_at = EXCLUDED.last_at, last_detail = EXCLUDED.last_detail
"""


def count(endpoint: Endpoint | None, reason: Refusal, detail: str = "", n: int = 1) -> None:
    """Add `n` to the tally of `reason` (one statement: concurrent deliveries add up)."""
    with db.cursor() as cursor:
        cursor.execute(_UPSERT, [endpoint.pk if endpoint else None, reason.value, n,
                                 detail[:300]])


def tallies(endpoint: Endpoint) -> dict[str, int]:
    """reason -> count for one endpoint."""
    return dict(RefusalCount.objects.filter(endpoint=endpoint)
                .values_list("reason", "count"))
