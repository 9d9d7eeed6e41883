"""The wizard's working copy of an object sync's settings, and where it is kept.

A new sync is a draft ObjectSync: each step writes straight into its rows. A sync
that is on or off keeps running on its saved settings while someone edits them:
the edit lives in `pending_settings` until it is saved, and only then reaches the
rows (bumping `version`), so it applies from the next run on.

Every form carries a token ("version.revision"); a form whose token is not the
current one was opened before someone else saved, and is refused whole.
"""

from dataclasses import asdict, dataclass, field, replace

from django.db import transaction

from syncapp.syncs.models import FieldMapping, ObjectSync, SyncFilter, SyncState


@dataclass
class MappingChoice:
    app_field: str
    hub_property: str
    direction: str = "two_way"  # the mapping's own direction (from the type rules)
    enabled: bool = True
    required: bool = False
    is_default: bool = True
    value_map: dict = field(default_factory=dict)  # {app option: hub option}
    conflict_rule: str = ""  # "": the sync's winner (models.ConflictRule)

    @property
    def key(self) -> str:
        return f"{self.app_field}|{self.hub_property}"


@dataclass
class FilterChoice:
    side: str  # "hub": Syncapp records going to the app; "app": app records coming in
    field: str
    operator: str
    value: object = None


@dataclass
class SyncSettings:
    direction: str
    winner: str
    matching: str
    # "Choose your fields": [[app field, hub property], …], tried in order
    match_fields: list[list[str]] = field(default_factory=list)
    email_only: bool = True
    default_lifecycle_stage: str = ""
    custom_mappings_on: bool = True
    mappings: list[MappingChoice] = field(default_factory=list)
    filters: list[FilterChoice] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "SyncSettings":
        data = dict(data)
        # A pending edit kept before the list (one pair) becomes a list of one.
        legacy = data.pop("match_app_field", ""), data.pop("match_hub_property", "")
        if all(legacy) and not data.get("match_fields"):
            data["match_fields"] = [list(legacy)]
        mappings = [MappingChoice(**m) for m in data.pop("mappings", [])]
        filters = [FilterChoice(**f) for f in data.pop("filters", [])]
        return cls(**data, mappings=mappings, filters=filters)

    def copy(self) -> "SyncSettings":
        return SyncSettings.from_json(self.to_json())

    def mapping(self, key: str) -> MappingChoice | None:
        return next((m for m in self.mappings if m.key == key), None)

    def filters_for(self, side: str) -> list[FilterChoice]:
        return [f for f in self.filters if f.side == side]

    def with_filters(self, side: str, rows: list[FilterChoice]) -> "SyncSettings":
        kept = [f for f in self.filters if f.side != side]
        return replace(self, filters=kept + rows)

    def active_mappings(self) -> list[MappingChoice]:
        """The mappings the engine will use: on, and custom ones only while allowed."""
        return [m for m in self.mappings
                if m.enabled and (m.is_default or self.custom_mappings_on)]


SYNC_FIELDS = ("direction", "winner", "matching", "match_fields",
               "email_only", "default_lifecycle_stage", "custom_mappings_on")


def from_rows(sync: ObjectSync) -> SyncSettings:
    return SyncSettings(
        **{name: getattr(sync, name) for name in SYNC_FIELDS},
        mappings=[MappingChoice(m.app_field, m.hub_property, m.direction, m.enabled,
                                m.required, m.is_default, dict(m.value_map), m.conflict_rule)
                  for m in sync.mappings.order_by("id")],
        filters=[FilterChoice(f.side, f.field, f.operator, f.value)
                 for f in sync.filters.order_by("id")],
    )


def is_editing(sync: ObjectSync) -> bool:
    """A sync that has been saved once: the wizard edits a pending copy of it."""
    return sync.state != SyncState.DRAFT


def load(sync: ObjectSync) -> SyncSettings:
    pending = sync.pending_settings or {}
    if is_editing(sync) and pending.get("base_version") == sync.version:
        return SyncSettings.from_json(pending["settings"])
    return from_rows(sync)


def has_pending_edit(sync: ObjectSync) -> bool:
    pending = sync.pending_settings or {}
    return is_editing(sync) and pending.get("base_version") == sync.version


def token(sync: ObjectSync) -> str:
    revision = (sync.pending_settings or {}).get("revision", 0) if has_pending_edit(sync) else 0
    return f"{sync.version}.{revision}"


class StaleForm(Exception):
    """The form was opened on settings someone has changed since."""


def locked(sync_id: int, portal, form_token: str) -> ObjectSync:
    """The sync, row-locked for this transaction, if `form_token` is still current."""
    sync = ObjectSync.objects.select_for_update().get(pk=sync_id, portal=portal)
    if token(sync) != form_token:
        raise StaleForm
    return sync


def store(sync: ObjectSync, settings: SyncSettings) -> None:
    """Keep one step's result: in the rows of a draft, else in the pending edit."""
    if not is_editing(sync):
        apply_rows(sync, settings)
        return
    pending = sync.pending_settings if has_pending_edit(sync) else {}
    sync.pending_settings = {"base_version": sync.version,
                             "revision": pending.get("revision", 0) + 1,
                             "settings": settings.to_json()}
    sync.save(update_fields=["pending_settings", "updated_at"])


@transaction.atomic
def apply_rows(sync: ObjectSync, settings: SyncSettings) -> None:
    """Write the settings into the sync's own rows and bump its version."""
    for name in SYNC_FIELDS:
        setattr(sync, name, getattr(settings, name))
    sync.version += 1
    sync.pending_settings = {}
    sync.save(update_fields=[*SYNC_FIELDS, "version", "pending_settings", "updated_at"])
    sync.mappings.all().delete()
    FieldMapping.objects.bulk_create([
        FieldMapping(object_sync=sync, app_field=m.app_field, hub_property=m.hub_property,
                     direction=m.direction, enabled=m.enabled, required=m.required,
                     is_default=m.is_default, value_map=m.value_map,
                     conflict_rule=m.conflict_rule)
        for m in settings.mappings
    ])
    sync.filters.all().delete()
    SyncFilter.objects.bulk_create([
        SyncFilter(object_sync=sync, side=f.side, field=f.field, operator=f.operator,
                   value=f.value)
        for f in settings.filters
    ])


def discard_pending(sync: ObjectSync) -> None:
    sync.pending_settings = {}
    sync.save(update_fields=["pending_settings", "updated_at"])
