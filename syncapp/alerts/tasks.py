"""Alert evaluation tasks, on the notify queue (next to the mail they lead to)."""

from celery import shared_task

from syncapp.alerts.evaluate import evaluate_sync, syncs_to_watch


@shared_task(name="syncapp.alerts.tasks.evaluate", ignore_result=True)
def evaluate(sync_id: int) -> None:
    """One sync's alerts, right after one of its runs ended."""
    evaluate_sync(sync_id)


@shared_task(name="syncapp.alerts.tasks.evaluate_all", ignore_result=True)
def evaluate_all() -> None:
    """Beat: every watched sync (what no run reports: time passing, a reconnect)."""
    for sync_id in syncs_to_watch():
        evaluate_sync(sync_id)
