"""What other apps may react to, without the engine or the wizard knowing them
(alerts and webhooks connect in their AppConfig.ready). Receivers are called inside
the sender's transaction when there is one; they queue work, they never send."""

from django.dispatch import Signal

# A run stopped for now: finished, paused, failed or stopped. kwargs: run_id, sync (as
# the run holds it, connection loaded: what a receiver queues checks the state again).
run_ended = Signal()
# A sync's saved settings changed (the wizard's save). kwargs: sync, changes.
settings_changed = Signal()
# A sync was turned on (Save and sync, or on again), inside that transaction. kwargs:
# sync. Inbound registers the app's webhook once it commits (inbound/receivers.py).
sync_turned_on = Signal()
# A sync is being deleted, inside that transaction, while it still has its id. kwargs:
# sync. Inbound removes its app object's webhook once it commits.
sync_deleting = Signal()
