"""`python manage.py check_heartbeat worker|beat`: compose's health check for the
worker and beat containers.

A Celery process has no port to probe; what proves it works is its heartbeat mark
in Redis (syncapp/core/heartbeat.py), the same mark `/healthz` reads. Exit 0 when
the mark is fresh, 1 (with the reason) when it is missing or stale.
"""

from django.core.management.base import BaseCommand, CommandError

from syncapp.core.heartbeat import BEAT_KEY, STALE_AFTER_S, WORKER_KEY, seconds_since

KEYS = {"worker": WORKER_KEY, "beat": BEAT_KEY}


class Command(BaseCommand):
    help = "Exit 0 if the worker's or beat's heartbeat is fresh, 1 otherwise."

    def add_arguments(self, parser):
        parser.add_argument("process", choices=sorted(KEYS))

    def handle(self, *args, process, **options):
        try:
            age = seconds_since(KEYS[process])
        except Exception as exc:  # Redis unreachable: unhealthy, said plainly
            raise CommandError(f"{process}: cannot read its heartbeat ({exc})") from exc
        if age is None:
            raise CommandError(f"{process}: no heartbeat seen yet")
        if age >= STALE_AFTER_S:
            raise CommandError(f"{process}: last heartbeat {age:.0f}s ago (stale after "
                               f"{STALE_AFTER_S}s)")
        self.stdout.write(f"{process}: alive, last heartbeat {age:.0f}s ago")
