"""migration_s_per_100k_links: what upgrading a populated install costs, per 100,000 links.

An install at the last release holds links, their history and the syncs' cursors; the
next release's syncs migrations run over all of it (a new NOT NULL column, a data
migration, an index build), with the product down meanwhile. This phase builds that
install: every app migrated, then the syncs app taken back to FROM_MIGRATION, then
`n` links (one sync per LINKS_PER_SYNC, each with its cursors set, one hub record and
one history entry per link) written with COPY through the models as they were at
FROM_MIGRATION. It then times `migrate` to the latest.

`migrate` also has a fixed cost that does not grow with the data (loading the graph,
post_migrate handlers, a first call's warm-up): no-op `migrate`s to FROM_MIGRATION just
before measure it (median of 3), and the per-100k figure is the difference, so it reads
~0 while no syncs migration is new (on a busy machine the fixed cost varies by ~0.1 s,
which 100,000 / n magnifies at small n).

It runs last: it empties the database first (flush), whatever the phases before left.
"""

import json
import statistics
import time
from collections.abc import Iterable

from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from bench.dashboard import say
from bench.data import DataSet
from bench.database import copy_hub_records

# The newest syncs migration of the last release: the schema an upgrade starts from.
# Bump it to the last released one at each release, so that this phase times what
# the next release adds.
FROM_MIGRATION = "0009_link_refused"
LINKS_PER_SYNC = 10_000


def measure(metrics: dict, n: int) -> None:
    """Add migration_links, migration_s, migration_noop_s, migration_s_per_100k_links."""
    say(f"migration: {n} links at syncs {FROM_MIGRATION}, then migrate to the latest")
    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", "syncs", FROM_MIGRATION, verbosity=0)
    populate(n)
    _settle()
    noop = statistics.median(_timed_migrate("syncs", FROM_MIGRATION) for _ in range(3))
    seconds = _timed_migrate()
    metrics["migration_links"] = n
    metrics["migration_s"] = round(seconds, 2)
    metrics["migration_noop_s"] = round(noop, 2)
    metrics["migration_s_per_100k_links"] = round(max(0.0, seconds - noop) * 100_000 / n, 2)


def _settle() -> None:
    """Write the setup's dirty pages (and the flushed phases') out before the clock
    starts, so that the timed `migrate` does not pay for them. CHECKPOINT needs a
    superuser or pg_checkpoint: without either, the phase runs unsettled."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        say("migration: no CHECKPOINT allowed, timing without it")


def _timed_migrate(*target: str) -> float:
    started = time.perf_counter()
    call_command("migrate", *target, verbosity=0)
    return time.perf_counter() - started


def populate(n: int) -> None:
    """`n` in-sync links with history, in syncs of LINKS_PER_SYNC, at FROM_MIGRATION."""
    from syncapp.accounts.services import create_portal  # noqa: PLC0415
    from syncapp.integrations.models import Connection  # noqa: PLC0415

    models = MigrationLoader(connection).project_state(("syncs", FROM_MIGRATION)).apps
    data = DataSet(n)
    portal = create_portal("Bench migration")
    copy_hub_records(portal.pk, "contact", (data.hub(i) for i in range(n)))
    hub_ids = _ids("SELECT id FROM crm_record WHERE portal_id = %s ORDER BY id", portal.pk)
    syncs, runs = [], []
    for k in range(0, n, LINKS_PER_SYNC):
        conn = Connection.objects.create(portal=portal, app_key="memory",
                                         account_id=f"bench-{k}", account_name="Bench")
        sync = models.get_model("syncs", "ObjectSync").objects.create(
            portal_id=portal.pk, connection_id=conn.pk, app_object="contacts",
            hub_object="contact", state="on", initial_done=True, initial_phase="",
            app_cursor=str(LINKS_PER_SYNC), hub_cursor=f"{n}", deleted_cursor="0")
        syncs.append(sync.pk)
        runs.append(models.get_model("syncs", "Run").objects.create(
            portal_id=portal.pk, object_sync_id=sync.pk, kind="initial",
            status="succeeded").pk)
    now = timezone.now()
    _copy(models.get_model("syncs", "Link"), now, ({
        "portal_id": portal.pk, "object_sync_id": syncs[i // LINKS_PER_SYNC],
        "hub_record_id": hub_ids[i], "app_id": str(i + 1), "status": "in_sync",
        "last_synced": data.hub(i), "hub_name": f"Ann{i}", "app_name": f"Ann{i}",
        "last_synced_at": now} for i in range(n)))
    link_ids = _ids("SELECT id FROM syncs_link WHERE portal_id = %s ORDER BY id", portal.pk)
    _copy(models.get_model("syncs", "HistoryEntry"), now, ({
        "portal_id": portal.pk, "link_id": link_ids[i], "run_id": runs[i // LINKS_PER_SYNC],
        "side": "app", "action": "created", "changes": {"firstname": [None, f"Ann{i}"]},
        "reason": "created from Syncapp"} for i in range(n)))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE syncs_link")
        cursor.execute("VACUUM ANALYZE syncs_historyentry")


def _ids(query: str, portal_id: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(query, [portal_id])
        return [row[0] for row in cursor.fetchall()]


def _copy(model, now, rows: Iterable[dict]) -> None:
    """COPY `rows` into `model`'s table as it is at FROM_MIGRATION: every column of the
    historical model, each row's value or else the field's default, so a column that a
    migration up to FROM_MIGRATION added needs no change here."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.connection.cursor().copy(statement) as copy:
        for row in rows:
            copy.write_row([_value(f, row, now) for f in fields])


def _value(field, row: dict, now):
    if field.attname in row:
        value = row[field.attname]
    elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        value = now
    else:
        value = field.get_default()
    return json.dumps(value) if isinstance(value, dict | list) else value
