"""Evaluate a sync's alerts the moment one of its runs ends (engine/runner.py)."""

from django.db import transaction
from django.dispatch import receiver

from syncapp.syncs.signals import run_ended


@receiver(run_ended, dispatch_uid="alerts-run-ended")
def on_run_ended(sender, run_id: int, sync_id: int, **kwargs) -> None:
    from syncapp.alerts.tasks import evaluate  # noqa: PLC0415 - tasks import models

    transaction.on_commit(lambda: evaluate.delay(sync_id))
