"""The Review step's dry run as a worker computes it (tasks.dry_run): the engine's dry
run on the working copy, cached per settings token for the page that polls
(wizard/preview.py asks for it and words it for people).

The working copy of an edited sync is not in the rows yet, so its engine config
is built by writing it into the rows inside a transaction that is then rolled
back: the engine's own build_config decides, and nothing is kept.
"""

from dataclasses import dataclass

import requests
from django.core.cache import cache
from django.db import transaction

from connectors.sdk import ConnectorError
from syncapp.integrations.catalog import connector_class, connector_for
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.run.dryrun import DryRun, dry_run
from syncapp.syncs.wizard import state

CACHE_S = 600


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


def cache_key(sync: ObjectSync, token: str | None = None) -> str:
    stamp = sync.created_at.timestamp() if sync.created_at else 0
    return f"wizard:dryrun:{sync.pk}:{stamp}:{token or state.token(sync)}"


@dataclass(frozen=True)
class Failed:
    """A dry run that could not read a side: what to show instead of the numbers."""

    message: str


def compute(sync: ObjectSync, *, connector=None) -> DryRun:
    """The dry run of the sync's working copy, computed now (reads both sides)."""
    cls = connector_class(sync.connection.app_key)
    config = config_for(sync, state.load(sync), cls)
    with connector_for(sync.connection, connector) as reading:
        return dry_run(config, reading)


def run_and_store(sync_id: int, token: str) -> None:
    """The task's work: compute and cache the result, unless the settings moved on."""
    sync = ObjectSync.objects.select_related("connection", "portal").filter(pk=sync_id).first()
    if sync is None or state.token(sync) != token:
        return  # changed meanwhile: the page asks again for the current settings
    try:
        result: DryRun | Failed = compute(sync)
    except (ConnectorError, requests.RequestException) as exc:
        result = Failed(getattr(exc, "vendor_message", "") or str(exc))
    cache.set(cache_key(sync, token), result, CACHE_S)
    cache.delete(cache_key(sync, token) + ":asked")
