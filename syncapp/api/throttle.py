"""The per-key rate limit: a fixed window of API_RATE_PER_MINUTE calls, counted in Redis.

Over the limit the API answers 429 with Retry-After (the seconds left in the window).
If Redis does not answer, calls pass unthrottled, as sign-in's throttle does: an outage
of the counter must not stop the API.
"""

import logging
import threading
import time

from django.conf import settings
from ninja.throttling import BaseThrottle

from syncapp.core.queue import UNREACHABLE
from syncapp.integrations.tokens import redis_client

log = logging.getLogger(__name__)
WINDOW_S = 60


class KeyRateThrottle(BaseThrottle):
    def __init__(self):
        self._local = threading.local()  # one instance serves every thread's calls

    def allow_request(self, request) -> bool:
        key = getattr(request, "api_key", None)
        if key is None:
            return True
        now = time.time()
        window = int(now // WINDOW_S)
        name = f"api-rate:{key.pk}:{window}"
        try:
            pipe = redis_client().pipeline()
            pipe.incr(name)
            pipe.expire(name, WINDOW_S * 2)
            count, _ok = pipe.execute()
        except UNREACHABLE:
            log.warning("API rate limit unreachable: failing open")
            return True
        if count <= settings.API_RATE_PER_MINUTE:
            return True
        self._local.wait = (window + 1) * WINDOW_S - now
        return False

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)
