"""Identifier values that several records share, on either side of an object sync.

Review lists them before the initial sync: a record whose identifier finds several
records fails as a duplicate (engine/matching.py), so these are the values a person
may want to merge or tell apart first. The app side is counted from the records the
dry run reads anyway (no second read of the app); the hub side is one grouped query
per identifier column, over its matching index.
"""

import dataclasses
from collections import Counter
from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count
from django.db.models.fields.json import KT
from django.db.models.functions import Lower

from connectors.sdk import AppRecord
from syncapp.crm.models import Record
from syncapp.engine.config import SyncConfig
from syncapp.engine.matching import match_keys

SHOWN = 10  # values listed per side
SAMPLE = 3  # record names per value


@dataclass
class SharedValue:
    side: str  # "hub" or "app"
    field: str  # the hub property (hub side) or app field (app side) holding it
    value: str  # normalised, as matching compares it
    count: int
    # dataclasses.field: the `field` above names the attribute, not the function.
    names: list[str] = dataclasses.field(default_factory=list)  # a sample of the records


class AppKeys:
    """Counts the app records' identifier values as the dry run reads them."""

    def __init__(self, config: SyncConfig):
        self.rules = config.match_rules
        self.counts: Counter = Counter()
        self.names: dict[tuple[str, str], list[str]] = {}

    def add(self, record: AppRecord, name: str) -> None:
        for rule, key in match_keys(self.rules, record.values):
            found = (rule.app_field, key)
            self.counts[found] += 1
            names = self.names.setdefault(found, [])
            if len(names) < SAMPLE:
                names.append(name)

    def shared(self) -> list[SharedValue]:
        common = [(n, found) for found, n in self.counts.items() if n > 1]
        return [SharedValue("app", app_field, key, n, self.names[(app_field, key)])
                for n, (app_field, key) in sorted(common, key=lambda c: (-c[0], c[1]))[:SHOWN]]


def hub_shared(config: SyncConfig) -> list[SharedValue]:
    """The hub's live records sharing an identifier value, most shared first."""
    live = Record.objects.filter(portal_id=config.portal_id, object_type=config.hub_object,
                                 archived_at__isnull=True)
    found: list[SharedValue] = []
    for rule in {rule.column: rule for rule in config.match_rules}.values():
        if rule.column.startswith("property:"):
            # A property of the person's choosing has no index: its values as matching
            # reads them (hubside.candidates).
            rows = live.annotate(_key=Lower(KT(f"properties__{rule.hub_property}"))).filter(
                _key__isnull=False).exclude(_key="").values("_key")
            column = "_key"
        else:
            rows = live.filter(**{f"{rule.column}__isnull": False}).values(rule.column)
            column = rule.column
        groups = (rows.annotate(n=Count("id"), names=ArrayAgg("display_name", order_by="id"))
                  .filter(n__gt=1).order_by("-n", column)[:SHOWN])
        found += [SharedValue("hub", rule.hub_property, group[column], group["n"],
                              group["names"][:SAMPLE]) for group in groups]
    return sorted(found, key=lambda s: -s.count)[:SHOWN]
