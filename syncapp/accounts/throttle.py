"""Login throttling: failures are counted per account and per IP address in Redis, and
too many within the window lock sign-in for a while.

The account key is the typed e-mail, whether or not such a user exists, so a lockout
says nothing about which accounts exist. If Redis is unreachable the throttle fails
open (sign-in keeps working, unthrottled) rather than locking everyone out or failing.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from syncapp.core.queue import UNREACHABLE

log = logging.getLogger(__name__)
PREFIX = "login-throttle"


def _key(kind: str, scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode("utf-8", "replace")).hexdigest()
    return f"{PREFIX}:{kind}:{scope}:{digest}"


def _scopes(username: str, ip: str) -> list[tuple[str, str, int]]:
    return [
        ("account", username, settings.LOGIN_FAILURES_PER_ACCOUNT),
        ("ip", ip, settings.LOGIN_FAILURES_PER_IP),
    ]


def is_locked(username: str, ip: str) -> bool:
    """Whether sign-in for this e-mail or from this address is locked out right now."""
    keys = [_key("lock", scope, value) for scope, value, _ in _scopes(username, ip)]
    try:
        return any(cache.get_many(keys).values())
    except UNREACHABLE:
        log.warning("login throttle unreachable: failing open")
        return False


@dataclass(frozen=True)
class Counted:
    """What one failed sign-in did: whether sign-in is now locked, and which scopes
    ("account", "ip") this very failure locked (empty when a lock was already on)."""

    locked: bool = False
    started: tuple[str, ...] = ()


def record_failure(username: str, ip: str) -> Counted:
    """Count one failed sign-in; lock the account or address that reached its limit."""
    window = settings.LOGIN_FAILURE_WINDOW_MINUTES * 60
    lockout = settings.LOGIN_LOCKOUT_MINUTES * 60
    locked, started = False, []
    try:
        for scope, value, limit in _scopes(username, ip):
            counter = _key("failures", scope, value)
            cache.add(counter, 0, window)
            if cache.incr(counter) >= limit:
                locked = True
                # add, not set: of two failures racing past the limit, one starts the lock.
                if cache.add(_key("lock", scope, value), True, lockout):
                    started.append(scope)
    except (*UNREACHABLE, ValueError):  # ValueError: the counter expired between add and incr
        log.warning("login throttle could not count a failure")
    return Counted(locked, tuple(started))


def client_ip(request) -> str:
    """The address the request came from. Behind the TLS proxy (BEHIND_PROXY) every request
    comes from the proxy, so the address is the last one in X-Forwarded-For: the one our
    proxy appended, which a client cannot forge (the earlier ones it can)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR", "") or "unknown"
