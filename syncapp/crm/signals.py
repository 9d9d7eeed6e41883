"""What the CRM tells the rest of the product, without knowing who listens."""

from django.dispatch import Signal

# Hub records were written and logged, inside the writing transaction. Arguments:
# portal_id, object_types (a set), object_sync_id (the sync that wrote them, or None).
# Inbound real time (syncapp/inbound/hub.py) starts the syncs of those types.
records_changed = Signal()


def announce(portal_id: int, object_types, object_sync_id: int | None) -> None:
    records_changed.send(sender=None, portal_id=portal_id, object_types=set(object_types),
                         object_sync_id=object_sync_id)
