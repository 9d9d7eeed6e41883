"""The dry run of a plan: per sync it would create or change, what its initial sync
would do with the file's settings (the engine's own dry run, syncs/run/dryrun.py).

The engine's config is built the way the wizard's preview builds it for an edit:
the settings are written into the rows (a new sync's draft is created) inside a
transaction that is then rolled back, so build_config decides and nothing is kept.
The dry run itself reads both sides after that transaction, holding no lock.
"""

import requests
from django.db import transaction

from connectors.sdk import ConnectorError
from syncapp.integrations.catalog import connector_class, connector_for
from syncapp.integrations.models import Connection
from syncapp.syncs.config.planning import UNCHANGED, ConfigPlan, SyncPlan
from syncapp.syncs.configure import build_config, create_object_sync
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.run.dryrun import DryRun, dry_run
from syncapp.syncs.wizard import state
from syncapp.syncs.wizard.preview_worker import Failed


def dry_runs(plan: ConfigPlan, connector=None) -> dict[str, DryRun | Failed]:
    """By app object, the dry run of each sync the plan creates or updates. Reads every
    record of both sides: a few seconds on a small account, longer on a big one."""
    connection = Connection.objects.get(pk=plan.connection_id, portal_id=plan.portal_id)
    results: dict[str, DryRun | Failed] = {}
    changed = [entry for entry in plan.syncs if entry.action != UNCHANGED]
    if not changed:
        return results
    with connector_for(connection, connector) as reading:
        for entry in changed:
            try:
                results[entry.app_object] = dry_run(_config(connection, entry), reading)
            except (ConnectorError, requests.RequestException) as exc:
                results[entry.app_object] = Failed(getattr(exc, "vendor_message", "") or
                                                   str(exc))
    return results


def _config(connection: Connection, entry: SyncPlan):
    cls = connector_class(connection.app_key)
    with transaction.atomic():
        sync = ObjectSync.objects.filter(connection=connection,
                                         app_object=entry.app_object).first()
        sync = sync or create_object_sync(connection, entry.app_object, cls)
        state.apply_rows(sync, entry.settings)
        config = build_config(sync, cls)
        transaction.set_rollback(True)
    return config
