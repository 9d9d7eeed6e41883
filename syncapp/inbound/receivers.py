"""Vendors' webhooks follow what happens to syncs and connections, told by their
signals (syncs/signals.py, integrations/signals.py; connected in apps.py).

A sync turned on gets its webhook, registered by a worker once that commits; so does a
sync whose run ended once its initial sync is done (the run that ends it, or a later
one after a missed message), unless it has one or was refused. A deleted sync's
webhook is removed by a worker; a disconnected connection's, at once, while its token
still works.
"""

from syncapp.core.queue import send_after_commit
from syncapp.inbound.registration import awaits_registration, remove_all
from syncapp.inbound.tasks import register, remove
from syncapp.syncs.models import ObjectSync


def on_sync_turned_on(sender, sync: ObjectSync, **kwargs) -> None:
    send_after_commit(register, sync.pk)


def on_sync_deleting(sender, sync: ObjectSync, **kwargs) -> None:
    send_after_commit(remove, sync.connection_id, sync.app_object)


def on_disconnecting(sender, connection, **kwargs) -> None:
    remove_all(connection)


def on_run_ended(sender, run_id: int, sync: ObjectSync, **kwargs) -> None:
    if awaits_registration(sync):  # the task checks again what the run's copy says
        send_after_commit(register, sync.pk)
