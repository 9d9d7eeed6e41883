"""Events from what the engine and the wizard report (syncs/signals.py)."""

from django.dispatch import receiver

from syncapp.syncs.models import Link, ObjectSync, Run, RunStatus
from syncapp.syncs.signals import run_ended, settings_changed
from syncapp.webhooks.events import emit, wanted
from syncapp.webhooks.models import Event

FINISHED = {RunStatus.SUCCEEDED, RunStatus.UNSETTLED}
FAILED = {RunStatus.FAILED, RunStatus.PAUSED}


def sync_data(sync: ObjectSync) -> dict:
    return {"sync_id": sync.pk, "connection_id": sync.connection_id,
            "app": sync.connection.app_key, "app_object": sync.app_object,
            "hub_object": sync.hub_object}


@receiver(run_ended, dispatch_uid="webhooks-run-ended")
def on_run_ended(sender, run_id: int, sync: ObjectSync, **kwargs) -> None:
    if not wanted(sync.portal_id, (Event.RUN_FINISHED, Event.RUN_FAILED)):
        return
    run = Run.objects.select_related("object_sync__connection").filter(pk=run_id).first()
    if run is None or run.status not in FINISHED | FAILED:
        return
    sync = run.object_sync
    data = {**sync_data(sync), "run_id": run.pk, "kind": run.kind, "status": run.status,
            "counts": run.counts,
            "failed_records_total": Link.objects.filter(object_sync=sync)
            .counted_as_failed().count(),
            "started_at": run.started_at.isoformat(),
            "finished_at": run.finished_at.isoformat() if run.finished_at else None}
    if run.status in FAILED:
        data.update(error_category=run.error_category, error_message=run.error_message)
    emit(sync.portal_id, Event.RUN_FINISHED if run.status in FINISHED else Event.RUN_FAILED,
         data)


@receiver(settings_changed, dispatch_uid="webhooks-settings-changed")
def on_settings_changed(sender, sync: ObjectSync, changes: dict, **kwargs) -> None:
    emit(sync.portal_id, Event.SETTINGS_CHANGED,
         {**sync_data(sync), "version": sync.version, "changes": changes})
