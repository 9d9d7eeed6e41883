"""What other apps may react to, without the engine or the wizard knowing them
(alerts and webhooks connect in their AppConfig.ready). Receivers are called inside
the sender's transaction when there is one; they queue work, they never send."""

from django.dispatch import Signal

# A run stopped for now: finished, paused, failed or stopped. kwargs: run_id, sync_id.
run_ended = Signal()
# A sync's saved settings changed (the wizard's save). kwargs: sync, changes.
settings_changed = Signal()
