"""At most one run per sync every INBOUND_DEBOUNCE_S, however many hints arrive.

A hint (a webhook, a hub change) asks for an incremental run of a sync. The first
hint of a quiet sync starts one at once; a hint that comes while that run may have
read past it schedules one more run at the end of the window, and hints that find
such a run still waiting to start add nothing (it will read their changes). Redis
holds only the time of the latest run scheduled, with a TTL: losing it costs one
extra run, never a change, since polling goes on.
"""

import logging

from django.conf import settings
from django.db import transaction

from syncapp.core.queue import UNREACHABLE
from syncapp.integrations.tokens import redis_client
from syncapp.syncs.tasks import run_sync

log = logging.getLogger(__name__)

# KEYS[1]: the sync's key; ARGV[1]: the window in ms. Returns the countdown (ms) of a
# run to send, or -1 when a run scheduled later than now will read the change anyway.
_SCHEDULE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]))
local start = now
if last and last > now then
  return -1
elseif last and last + window > now then
  start = last + window
end
redis.call('SET', KEYS[1], start, 'PX', start - now + window)
return start - now
"""


def _key(sync_id: int) -> str:
    return f"syncapp:inbound:debounce:{sync_id}"


def schedule(sync_id: int) -> float | None:
    """Claim a run of `sync_id` in its debounce window: the countdown in seconds to
    send it with, or None when a run already waiting will read the change."""
    script = redis_client().register_script(_SCHEDULE)
    window_ms = int(settings.INBOUND_DEBOUNCE_S * 1000)
    countdown_ms = int(script(keys=[_key(sync_id)], args=[window_ms]))
    return None if countdown_ms < 0 else countdown_ms / 1000


def nudge(sync_ids) -> int:
    """Start (debounced) incremental runs of these syncs; how many were sent. Redis
    being down, or real time switched off (INBOUND_REAL_TIME), only costs time: polling
    picks the changes up."""
    if not settings.INBOUND_REAL_TIME:
        return 0
    sent = 0
    for sync_id in sync_ids:
        try:
            countdown = schedule(sync_id)
            if countdown is not None:
                run_sync.apply_async((sync_id,), countdown=countdown)
                sent += 1
        except UNREACHABLE:
            log.warning("webhook run not started: Redis unreachable",
                        extra={"object_sync_id": sync_id})
    return sent


def nudge_after_commit(sync_ids) -> None:
    """`nudge` once the caller's transaction commits (the run must see its rows)."""
    ids = list(sync_ids)
    if ids:
        transaction.on_commit(lambda: nudge(ids))
