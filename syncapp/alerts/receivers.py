"""Evaluate a sync's alerts the moment one of its runs ends (syncs/run/runner.py)."""

from django.dispatch import receiver

from syncapp.alerts.tasks import evaluate
from syncapp.core.queue import send_after_commit
from syncapp.syncs.signals import run_ended


@receiver(run_ended, dispatch_uid="alerts-run-ended")
def on_run_ended(sender, run_id: int, sync, **kwargs) -> None:
    send_after_commit(evaluate, sync.pk)  # beat's check catches up if the broker is down
