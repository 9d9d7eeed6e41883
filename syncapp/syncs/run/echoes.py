"""Our own writes read back: dropped from an incremental page before any planning.

Every record the engine writes to the app comes back through the app's change feed:
after an initial sync, the first incremental run reads back everything it wrote
(a million records, 2,000 requests at 500 a page). Planning them only to find
nothing to do costs a hub lookup and a plan each; a vendor cannot always spare us
the read, but the engine can spare the rest.

A record read back is our write's echo when its stamp (AppRecord.stamp: the row
version, else the modification time) is the one our write got back, kept on the
link (Link.app_seen), and its mapped values are still those last synced. A person's
later edit gives a new stamp; an edit that landed between our read and our write
comes back in the write's reply, stamp and all, and is caught by the values. Either
goes through as any change does. The hub side needs no check: its changes come
through the hub's own change log.
"""

from connectors.sdk import AppRecord
from syncapp.engine.config import SyncConfig
from syncapp.engine.rules import split
from syncapp.syncs.run import store


def drop_own_echoes(config: SyncConfig, records: list[AppRecord]) -> tuple[list[AppRecord], int]:
    """The records of a page that are not echoes of our own writes, and how many were."""
    last_synced = store.seen_as_written(config.object_sync_id,
                                        {r.id: r.stamp for r in records if r.stamp})
    kept = [r for r in records if not (r.id in last_synced
                                       and holds_last_synced(config, r, last_synced[r.id]))]
    return kept, len(records) - len(kept)


def holds_last_synced(config: SyncConfig, record: AppRecord, last: dict) -> bool:
    """Every mapped field of the app record holds its last-synced app value."""
    return all(mapping.hub_property in last and
               mapping.hub_value(record.values.get(mapping.app_field))
               == split(last[mapping.hub_property])[1]
               for mapping in config.mappings)
