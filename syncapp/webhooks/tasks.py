"""The webhooks queue's tasks: thin, ids only; Postgres holds each delivery's state."""

from celery import shared_task

from syncapp.webhooks import deliver as delivering


@shared_task(name="syncapp.webhooks.tasks.deliver", ignore_result=True)
def deliver(delivery_id: int) -> None:
    """Try one delivery; schedule the next try when the receiver failed."""
    wait = delivering.attempt(delivery_id)
    if wait is not None:
        deliver.apply_async((delivery_id,), countdown=wait)


@shared_task(name="syncapp.webhooks.tasks.sweep", ignore_result=True)
def sweep() -> None:
    """Resend deliveries whose next try is overdue (a message lost to a restart)."""
    for delivery_id in delivering.due():
        deliver.delay(delivery_id)
