"""Deployments upgrade with `migrate`: a populated database from the last released
schema comes through with every link, cursor and history entry as it was.

RELEASED is the syncs migration of the last release; bump it when one ships. The
data is written with the historical models of that state (what a deployment holds),
then `migrate` runs to today's schema, and everything is read back through raw SQL.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

RELEASED = [("syncs", "0009_link_refused")]
LINKS = 300

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _populate(apps, portal_id: int) -> None:
    Connection = apps.get_model("integrations", "Connection")
    ObjectSync = apps.get_model("syncs", "ObjectSync")
    Link = apps.get_model("syncs", "Link")
    HistoryEntry = apps.get_model("syncs", "HistoryEntry")
    Run = apps.get_model("syncs", "Run")
    account = Connection.objects.create(portal_id=portal_id, app_key="hubspot",
                                        account_id="42", account_name="Acme")
    sync = ObjectSync.objects.create(portal_id=portal_id, connection=account,
                                     hub_object="contact", app_object="contacts",
                                     app_cursor="app-cursor-7", hub_cursor="hub-cursor-9",
                                     deleted_cursor="gone-3", initial_done=True)
    run = Run.objects.create(portal_id=portal_id, object_sync=sync, kind="incremental",
                             counts={"read": LINKS})
    links = Link.objects.bulk_create(
        Link(portal_id=portal_id, object_sync=sync, app_id=f"app{n}",
             status="in_sync" if n % 3 else "failed", error_category="" if n % 3 else "dup",
             last_synced={"email": f"p{n}@x.example", "city": [f"Hub {n}", None]},
             refused={} if n % 3 else {"email": f"p{n}@x.example"}, hub_name=f"Person {n}",
             app_name=f"Person {n}") for n in range(LINKS))
    HistoryEntry.objects.bulk_create(
        HistoryEntry(portal_id=portal_id, link=link, run=run, side="app", action="updated",
                changes={"city": [None, f"Hub {i}"]}, reason="changed in Syncapp")
        for i, link in enumerate(links))


def _snapshot() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_cursor, hub_cursor, deleted_cursor, initial_done "
                       "FROM syncs_objectsync ORDER BY id")
        syncs = cursor.fetchall()
        cursor.execute("SELECT id, object_sync_id, app_id, status, error_category, "
                       "last_synced::text, refused::text, hub_name, app_name "
                       "FROM syncs_link ORDER BY id")
        links = cursor.fetchall()
        cursor.execute("SELECT link_id, run_id, side, action, changes::text, reason "
                       "FROM syncs_historyentry ORDER BY id")
        history = cursor.fetchall()
    return {"syncs": syncs, "links": links, "history": history}


def test_a_populated_database_upgrades_with_nothing_lost(portal):
    latest = _latest()
    try:
        _populate(_migrate(RELEASED), portal.pk)
        before = _snapshot()
        _migrate(latest)
        after = _snapshot()
    finally:
        _migrate(latest)  # the next test finds today's schema whatever happened
    assert len(before["links"]) == LINKS and len(before["history"]) == LINKS
    assert after == before
