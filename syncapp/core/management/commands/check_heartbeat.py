"""`python manage.py check_heartbeat worker <kind>|beat`: compose's health check for
each queue's worker container and for beat.

A Celery process has no port to probe; what proves it works is its heartbeat mark
in Redis (syncapp/core/heartbeat.py), the same mark `/healthz` reads: beat sends a
heartbeat to each queue, so a worker's mark says that its queue is consumed. Exit 0
when the mark is fresh, 1 (with the reason) when it is missing or stale.
"""

from django.core.management.base import BaseCommand, CommandError

from syncapp.core.heartbeat import BEAT_KEY, STALE_AFTER_S, seconds_since, worker_key
from syncapp.core.queues import KINDS


class Command(BaseCommand):
    help = "Exit 0 if a queue's worker's or beat's heartbeat is fresh, 1 otherwise."

    def add_arguments(self, parser):
        parser.add_argument("process", choices=("worker", "beat"))
        parser.add_argument("kind", nargs="?", choices=sorted(KINDS),
                            help="the queue whose worker to check (worker only)")

    def handle(self, *args, process, kind=None, **options):
        if process == "worker" and kind is None:
            raise CommandError(f"worker: name its queue ({', '.join(sorted(KINDS))})")
        if process == "beat" and kind is not None:
            raise CommandError("beat: takes no queue")
        name, key = ("beat", BEAT_KEY) if process == "beat" else (
            f"worker {kind}", worker_key(kind))
        try:
            age = seconds_since(key)
        except Exception as exc:  # Redis unreachable: unhealthy, said plainly
            raise CommandError(f"{name}: cannot read its heartbeat ({exc})") from exc
        if age is None:
            raise CommandError(f"{name}: no heartbeat seen yet")
        if age >= STALE_AFTER_S:
            raise CommandError(f"{name}: last heartbeat {age:.0f}s ago (stale after "
                               f"{STALE_AFTER_S}s)")
        self.stdout.write(f"{name}: alive, last heartbeat {age:.0f}s ago")
