"""The engine's view of an object sync: plain data, built once per run."""

from dataclasses import dataclass, field

HUB = "hub"
APP = "app"
TWO_WAY, TO_HUB, TO_APP = "two_way", "to_hub", "to_app"

# A mapping's conflict rule (DESIGN.md, "Field-level conflict rules"): DEFAULT follows
# the sync's winner; HUB and APP name a winner for this field alone; MOST_RECENT lets
# the side changed last win (a tie, or a side without a time: the sync's winner);
# FILL_EMPTY never overwrites a value, it only fills an empty side.
DEFAULT, MOST_RECENT, FILL_EMPTY = "", "most_recent", "fill_empty"
CONFLICT_RULES = (DEFAULT, HUB, APP, MOST_RECENT, FILL_EMPTY)


@dataclass(frozen=True)
class MappingRule:
    app_field: str
    hub_property: str
    direction: str = TWO_WAY  # the mapping's own direction (read-only fields: one way)
    value_map: tuple[tuple[str, str], ...] = ()  # (app option, hub option) pairs
    # "date>datetime" (app date, hub datetime) or "datetime>date": canonical forms differ.
    conversion: str = ""
    conflict_rule: str = DEFAULT  # one of CONFLICT_RULES

    def hub_value(self, app_value: str | None) -> str | None:
        if app_value is None:
            return None
        if self.value_map:
            return dict(self.value_map).get(app_value, app_value)
        return _convert(app_value, self.conversion, to_hub=True)

    def app_value(self, hub_value: str | None) -> str | None:
        if hub_value is None:
            return None
        if self.value_map:
            return {hub: app for app, hub in self.value_map}.get(hub_value, hub_value)
        return _convert(hub_value, self.conversion, to_hub=False)


def _as_date(value: str) -> str:
    return value[:10]


def _as_datetime(value: str) -> str:
    return value if "T" in value else f"{value[:10]}T00:00:00Z"


def _convert(value: str, conversion: str, *, to_hub: bool) -> str:
    """A date becomes midnight UTC as a datetime; a datetime becomes its UTC day."""
    if conversion == "date>datetime":
        return _as_datetime(value) if to_hub else _as_date(value)
    if conversion == "datetime>date":
        return _as_date(value) if to_hub else _as_datetime(value)
    return value


@dataclass(frozen=True)
class MatchRule:
    """Match an app field's normalised value against a hub identifier column."""

    app_field: str
    hub_property: str
    column: str  # email_key, name_key, domain_key, sku_key, or "property:<name>"
    normalizer: str  # email, name, domain, sku, text
    label: str  # for history: "email", "company name", …
    # Rules of one group are asked together (a company's name OR its domain); groups
    # are tried in order, and the first that finds any candidate decides.
    group: int = 0


@dataclass(frozen=True)
class FilterRule:
    field: str
    operator: str
    value: object = None


@dataclass(frozen=True)
class SyncConfig:
    object_sync_id: int
    portal_id: int
    hub_object: str
    app_object: str
    direction: str
    winner: str
    mappings: tuple[MappingRule, ...]
    # Grouped and tried in order (engine/matching.py: the first group with a candidate
    # decides, and several candidates fail the record as a duplicate).
    match_rules: tuple[MatchRule, ...] = ()
    # Exclusion checks: the email field (contacts/leads with "only contacts with an
    # email address" on) and the custom identifier, on each side.
    hub_email_field: str | None = None
    app_email_field: str | None = None
    hub_identifier_fields: tuple[str, ...] = ()
    app_identifier_fields: tuple[str, ...] = ()
    hub_filters: tuple[FilterRule, ...] = ()
    app_filters: tuple[FilterRule, ...] = ()
    default_lifecycle_stage: str = ""
    app_name_fields: tuple[str, ...] = field(default_factory=tuple)
    app_name: str = ""  # the app's name, as the records a sync creates are tagged

    @property
    def writes_hub(self) -> bool:
        return self.direction in (TWO_WAY, TO_HUB)

    @property
    def writes_app(self) -> bool:
        return self.direction in (TWO_WAY, TO_APP)

    def can_write_hub(self, mapping: MappingRule) -> bool:
        return self.writes_hub and mapping.direction in (TWO_WAY, TO_HUB)

    def can_write_app(self, mapping: MappingRule) -> bool:
        return self.writes_app and mapping.direction in (TWO_WAY, TO_APP)
