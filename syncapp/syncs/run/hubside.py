"""The hub as the engine sees it: records as plain values, looked up and written in bulk."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.db.models.fields.json import KT
from django.db.models.functions import Lower

from syncapp.accounts.models import Portal
from syncapp.core import bulkrows
from syncapp.crm import bulk
from syncapp.crm.models import Record
from syncapp.crm.schema import created_by_sync
from syncapp.crm.services import Actor, RecordInvalid
from syncapp.engine.config import SyncConfig
from syncapp.syncs.models import Link


@dataclass(frozen=True)
class HubRecord:
    id: int
    values: dict
    name: str
    archived: bool
    modified_at: object = None  # the row's updated_at (a field rule's "most recent")


def record_of(link: Link) -> Record | None:
    """The link's hub record as a model instance, archived or not (None: it has none,
    or the record is gone)."""
    if link.hub_record_id is None:
        return None
    return Record.objects.filter(pk=link.hub_record_id).first()


# Plain tuples, not model instances: a batch loads thousands of records.
_COLUMNS = ("id", "properties", "display_name", "archived_at", "updated_at")
_JSON = (1,)  # properties


def load(portal_id: int, object_type: str, ids) -> dict[int, HubRecord]:
    ids = list(ids)
    if not ids:
        return {}
    rows = Record.objects.filter(portal_id=portal_id, object_type=object_type, pk__any_of=ids)
    return {
        pk: HubRecord(pk, properties, name, archived_at is not None, updated_at)
        for pk, properties, name, archived_at, updated_at in
        bulkrows.values(rows.values_list(*_COLUMNS), _JSON)
    }


def candidates(config: SyncConfig, keys: set[tuple[str, str]]) -> dict[tuple[str, str], list[int]]:
    """Live hub records per (column, normalised key): one indexed query per column."""
    by_column: dict[str, set[str]] = {}
    for column, key in keys:
        by_column.setdefault(column, set()).add(key)
    found: dict[tuple[str, str], list[int]] = {}
    base = Record.objects.filter(portal_id=config.portal_id, object_type=config.hub_object,
                                 archived_at__isnull=True)
    for column, wanted in by_column.items():
        if column.startswith("property:"):
            name = column.split(":", 1)[1]
            rows = base.annotate(_key=Lower(KT(f"properties__{name}"))).filter(_key__in=wanted)
            pairs = rows.values_list("_key", "id")
        else:
            pairs = bulk.live_by_key(config.portal_id, config.hub_object, column, wanted)
        for key, record_id in pairs:
            found.setdefault((column, key), []).append(record_id)
    return found


def scan_unlinked(config: SyncConfig, after_id: int, limit: int) -> list[HubRecord]:
    """Live hub records after `after_id` with no link in this object sync (initial phase B).

    A record already paired with an app record (matched or created in the app phase) is
    skipped by the query itself: re-reading its app record would only find it in step,
    and changes made to it meanwhile reach the incremental runs through the change log.
    """
    # The bound on hub_record_id repeats the outer one so that a merge anti-join starts
    # its scan of the links there, not at the first link, batch after batch.
    paired = Link.objects.filter(object_sync_id=config.object_sync_id,
                                 hub_record_id=OuterRef("pk"), hub_record_id__gt=after_id,
                                 app_id__isnull=False)
    rows = (
        Record.objects.filter(portal_id=config.portal_id, object_type=config.hub_object,
                              archived_at__isnull=True, pk__gt=after_id)
        .filter(~Exists(paired))
        .order_by("pk")[:limit]
        .values_list(*_COLUMNS)
    )
    return [HubRecord(pk, properties, name, False, updated_at)
            for pk, properties, name, _, updated_at in bulkrows.values(rows, _JSON)]


def prepare_creates(config: SyncConfig, rows: list[dict]) -> bulk.NewRecords:
    """New hub records made ready, tagged "Created by sync: <app>" (their Record
    source); `create` writes them."""
    return bulk.prepare_creates(_portal(config), config.hub_object, rows,
                                source=created_by_sync(config.app_name) if config.app_name else "")


def create(config: SyncConfig, new: bulk.NewRecords) -> list[Record | RecordInvalid]:
    return bulk.insert_creates(new, Actor(object_sync_id=config.object_sync_id))


def update(config: SyncConfig, updates: dict[int, dict], read: dict[int, dict] | None = None,
           actor: Actor | None = None) -> dict[int, dict | RecordInvalid | bulk.ChangedSinceRead]:
    """Write the planned values; with `read` (per record, what the plan read of it), a
    record is written only if it still holds that, so a person's edit made meanwhile is
    never overwritten (its result is then bulk.ChangedSinceRead). `actor`: who the change
    log names, the sync itself unless given (an undo writes as a person would, so that
    the next run reads its change: syncs/run/undo.py)."""
    return bulk.update_many(_portal(config), updates,
                            actor or Actor(object_sync_id=config.object_sync_id), read=read)


def _portal(config: SyncConfig) -> Portal:
    return Portal(pk=config.portal_id)  # only its id is used: no query
