"""The probes a load balancer, a restart policy or an operator asks: is the process up
(live), can it serve pages (ready), is the whole stack there (health)."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from syncapp.core.heartbeat import BEAT_KEY, STALE_AFTER_S, WORKER_KEYS, seconds_since


def _check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _check_redis() -> bool:
    try:
        cache.set("health:ping", 1, timeout=10)
        return cache.get("health:ping") == 1
    except Exception:
        return False


def _fresh(key: str) -> bool:
    age = seconds_since(key)
    return age is not None and age < STALE_AFTER_S


def _report(checks: dict[str, bool]) -> JsonResponse:
    """200 when every check passes, else 503 naming the ones that failed."""
    status = 200 if all(checks.values()) else 503
    body = {"ok": status == 200, "checks": checks}
    if status != 200:
        body["down"] = [name for name, ok in checks.items() if not ok]
    return JsonResponse(body, status=status)


@never_cache
def live(request):
    """The process answers. Touches nothing else, so a restart policy built on it
    never kills web because Postgres or Redis had a bad minute."""
    return JsonResponse({"ok": True})


@never_cache
def ready(request):
    """Postgres and Redis answer: what web needs to serve pages. A load balancer
    checks this, so the UI stays up when only the worker or beat is down."""
    return _report({"database": _check_database(), "redis": _check_redis()})


@never_cache
def health(request):
    """Postgres, Redis, a worker for each queue and beat seen in the last two minutes
    (`worker-export` down says exports wait, while syncs may still run)."""
    redis_ok = _check_redis()
    return _report({
        "database": _check_database(),
        "redis": redis_ok,
        **{f"worker-{kind}": redis_ok and _fresh(key) for kind, key in WORKER_KEYS.items()},
        "beat": redis_ok and _fresh(BEAT_KEY),
    })
