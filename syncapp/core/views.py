from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from syncapp.accounts.decorators import portal_view
from syncapp.core.heartbeat import BEAT_KEY, STALE_AFTER_S, WORKER_KEY, seconds_since


@portal_view()
def home(request):
    return redirect("crm:list", object_type="contact")


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


@never_cache
def health(request):
    """Postgres, Redis, and a worker and beat seen in the last two minutes."""
    redis_ok = _check_redis()
    checks = {
        "database": _check_database(),
        "redis": redis_ok,
        "worker": redis_ok and _fresh(WORKER_KEY),
        "beat": redis_ok and _fresh(BEAT_KEY),
    }
    status = 200 if all(checks.values()) else 503
    return JsonResponse({"ok": status == 200, "checks": checks}, status=status)
