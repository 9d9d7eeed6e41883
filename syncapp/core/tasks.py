from celery import shared_task
from django.core.mail import send_mail

from syncapp.core.heartbeat import mark, worker_key
from syncapp.core.queues import HEARTBEAT_TASK


@shared_task(name=HEARTBEAT_TASK, ignore_result=True)
def heartbeat(kind: str) -> None:
    """Scheduled by beat for each queue; running it proves a worker consumes `kind`'s
    queue (the router sends it to the queue its argument names)."""
    mark(worker_key(kind))


@shared_task(name="syncapp.core.tasks.send_notification", ignore_result=True,
             autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification(subject: str, body: str, to: list[str]) -> None:
    """Mail one message to people, on the notify queue: a slow mail server never
    holds up a worker that syncs or exports. The text is rendered by the caller, in
    the recipient's language, so the message says what was true when it was sent."""
    send_mail(subject, body, None, to)
