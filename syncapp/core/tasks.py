from celery import shared_task

from syncapp.core.heartbeat import WORKER_KEY, mark


@shared_task(name="syncapp.core.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Scheduled by beat every 30 s; running it proves a worker consumes the queue."""
    mark(WORKER_KEY)
