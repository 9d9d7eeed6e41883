"""Inbound vendor webhooks: endpoints that turn a vendor's change notice into a
debounced incremental run (the outbound, signed run events are syncapp/webhooks)."""
