"""The hub as the engine sees it: records as plain values, looked up and written in bulk."""

from dataclasses import dataclass

from django.db.models.fields.json import KT
from django.db.models.functions import Lower

from syncapp.accounts.models import Portal
from syncapp.crm import bulk
from syncapp.crm.models import Record
from syncapp.crm.services import Actor, RecordInvalid
from syncapp.engine.config import SyncConfig


@dataclass(frozen=True)
class HubRecord:
    id: int
    values: dict
    name: str
    archived: bool


def load(portal_id: int, object_type: str, ids) -> dict[int, HubRecord]:
    rows = Record.objects.filter(portal_id=portal_id, object_type=object_type, pk__in=list(ids))
    return {
        r.pk: HubRecord(r.pk, r.properties, r.display_name, r.archived_at is not None)
        for r in rows.only("id", "properties", "display_name", "archived_at")
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
            pairs = base.filter(**{f"{column}__in": wanted}).values_list(column, "id")
        for key, record_id in pairs:
            found.setdefault((column, key), []).append(record_id)
    return found


def scan_unlinked(config: SyncConfig, after_id: int, limit: int) -> list[HubRecord]:
    """Live hub records after `after_id` with no link in this object sync (initial phase B)."""
    rows = (
        Record.objects.filter(portal_id=config.portal_id, object_type=config.hub_object,
                              archived_at__isnull=True, pk__gt=after_id)
        .order_by("pk")[:limit]
        .only("id", "properties", "display_name", "archived_at")
    )
    return [HubRecord(r.pk, r.properties, r.display_name, False) for r in rows]


def create(config: SyncConfig, rows: list[dict]) -> list[Record | RecordInvalid]:
    return bulk.create_many(_portal(config), config.hub_object, rows,
                            Actor(object_sync_id=config.object_sync_id))


def update(config: SyncConfig, updates: dict[int, dict]) -> dict[int, dict | RecordInvalid]:
    return bulk.update_many(_portal(config), updates,
                            Actor(object_sync_id=config.object_sync_id))


def _portal(config: SyncConfig) -> Portal:
    return Portal(pk=config.portal_id)  # only its id is used: no query
