"""The Review step's dry run: the engine's dry run on the working copy, for people.

The working copy of an edited sync is not in the rows yet, so its engine config
is built by writing it into the rows inside a transaction that is then rolled
back: the engine's own build_config decides, and nothing is kept.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext_lazy

from connectors.sdk import ErrorCategory
from syncapp.engine.dryrun import DryRun, dry_run
from syncapp.engine.limits import DIRECTION, FILTERS, NO_EMAIL, NO_IDENTIFIER
from syncapp.integrations.catalog import build_connector, connector_class
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.wizard import state
from syncapp.syncs.wizard.summary import Labels

CACHE_S = 600

REASONS = {
    FILTERS: gettext_lazy("Don't match the filters"),
    NO_EMAIL: gettext_lazy("No email address"),
    NO_IDENTIFIER: gettext_lazy("No identifier value"),
    DIRECTION: gettext_lazy("The direction doesn't create records on that side"),
}
FAILURES = {
    ErrorCategory.INVALID_VALUE: gettext_lazy("A value the other side refuses"),
    ErrorCategory.DUPLICATE: gettext_lazy("Email already used by another record"),
    ErrorCategory.REQUIRED_MISSING: gettext_lazy("A required field is empty"),
    ErrorCategory.READ_ONLY: gettext_lazy("Writes a read-only field"),
}


def config_for(sync: ObjectSync, settings: state.SyncSettings, cls):
    """The engine's config for these settings, without keeping them."""
    if not state.is_editing(sync):
        return build_config(sync, cls)
    with transaction.atomic():
        scratch = ObjectSync.objects.select_for_update().get(pk=sync.pk)
        state.apply_rows(scratch, settings)
        config = build_config(scratch, cls)
        transaction.set_rollback(True)
    return config


def _key(sync: ObjectSync) -> str:
    stamp = sync.created_at.timestamp() if sync.created_at else 0
    return f"wizard:dryrun:{sync.pk}:{stamp}:{state.token(sync)}"


def compute(sync: ObjectSync, *, fresh: bool = False, connector=None) -> DryRun:
    """The dry run of the sync's working copy (cached until the settings change)."""
    key = _key(sync)
    if not fresh and (cached := cache.get(key)) is not None:
        return cached
    cls = connector_class(sync.connection.app_key)
    config = config_for(sync, state.load(sync), cls)
    result = dry_run(config, connector or build_connector(sync.connection))
    cache.set(key, result, CACHE_S)
    return result


@dataclass(frozen=True)
class Change:
    label: str
    old: object
    new: object


@dataclass(frozen=True)
class Row:
    """One sample record as the page shows it."""

    name: str
    app_id: str | None
    hub_id: int | None
    note: str
    hub_changes: list[Change]
    app_changes: list[Change]


def rows(samples, labels: Labels) -> list[Row]:
    return [
        Row(s.name, s.app_id, s.hub_id, s.note,
            [Change(labels.hub(k), labels.hub_value(k, old), labels.hub_value(k, new))
             for k, (old, new) in sorted(s.changes_hub.items())],
            [Change(labels.app(k), labels.app_value(k, old), labels.app_value(k, new))
             for k, (old, new) in sorted(s.changes_app.items())])
        for s in samples
    ]


@dataclass(frozen=True)
class Group:
    label: str
    side: str  # "hub" / "app" / ""
    count: int
    rows: list[Row]


def excluded_groups(result: DryRun, labels: Labels) -> list[Group]:
    groups = []
    for key, bucket in sorted(result.excluded.items()):
        if bucket.count:
            side, reason = key.split(":", 1)
            groups.append(Group(str(REASONS.get(reason, reason)), side, bucket.count,
                                rows(bucket.samples, labels)))
    return groups


def failing_groups(result: DryRun, labels: Labels) -> list[Group]:
    return [Group(str(FAILURES.get(key, key)), "", bucket.count, rows(bucket.samples, labels))
            for key, bucket in sorted(result.failing.items()) if bucket.count]
