"""What integrations tell the apps built on them, without knowing who listens."""

from django.dispatch import Signal

# A connection is being disconnected, before its token is revoked (so it still works).
# kwargs: connection. Inbound removes the connection's webhooks at the vendor
# (syncapp/inbound/receivers.py).
disconnecting = Signal()
