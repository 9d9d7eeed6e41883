"""A sync whose run ended gets its webhook once its initial sync is done (the run that
ends it, or a later one after a missed message), unless it has one or was refused."""

from syncapp.core.queue import send_after_commit
from syncapp.inbound.registration import awaits_registration
from syncapp.syncs.models import ObjectSync


def on_run_ended(sender, run_id: int, sync_id: int, **kwargs) -> None:
    from syncapp.inbound.tasks import register  # noqa: PLC0415 - tasks import models

    sync = ObjectSync.objects.select_related("connection").filter(pk=sync_id).first()
    if sync is not None and awaits_registration(sync):
        send_after_commit(register, sync_id)
