"""An initial sync that created many app records vacuums the links it left behind.

Each app create is announced by a pending link and settled after, so it leaves a dead
version of its link in every index; the incremental runs that follow probe those keys.
The thresholds are lowered here: a few records stand for the bench's hundreds of
thousands (store.VACUUM_MIN_CREATES, VACUUM_CREATES_SHARE).
"""

import psycopg
import pytest
from django.db import connection

from syncapp.core import bulkrows
from syncapp.crm.services import create_record
from syncapp.syncs.models import Link, LinkStatus
from syncapp.syncs.run import store
from tests.kits.engine import make_sync, run

pytestmark = pytest.mark.django_db(transaction=True)


def link_vacuums() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT vacuum_count FROM pg_stat_user_tables "
                       "WHERE relid = 'syncs_link'::regclass")
        return cursor.fetchone()[0]


def initial_sync_creating_in_app(portal, hubspot, n: int):
    hubspot.clear("contacts")
    for i in range(n):
        create_record(portal, "contact", {"email": f"vac{i}@example.com", "firstname": "V"})
    sync = make_sync(hubspot, "contacts", winner="hub")
    run(hubspot, sync)
    return sync


def test_links_are_vacuumed_after_an_initial_sync_of_many_app_creates(
        portal, hubspot, monkeypatch, caplog):
    monkeypatch.setattr(store, "VACUUM_MIN_CREATES", 6)
    monkeypatch.setattr(store, "VACUUM_CREATES_SHARE", 0.0)
    before = link_vacuums()

    with caplog.at_level("INFO", logger="syncapp.syncs.run.runner"):
        sync = initial_sync_creating_in_app(portal, hubspot, 6)

    assert link_vacuums() == before + 1
    assert "links vacuumed after the initial sync" in caplog.messages
    assert list(Link.objects.filter(object_sync=sync).values_list("status", flat=True)) == [
        LinkStatus.IN_SYNC] * 6
    assert len(hubspot.all("contacts")) == 6


def test_a_sync_of_few_creates_leaves_the_links_to_autovacuum(portal, hubspot, monkeypatch):
    monkeypatch.setattr(store, "VACUUM_MIN_CREATES", 7)
    monkeypatch.setattr(store, "VACUUM_CREATES_SHARE", 0.0)
    before = link_vacuums()

    initial_sync_creating_in_app(portal, hubspot, 6)

    assert link_vacuums() == before


def test_creates_few_beside_the_tables_links_leave_it_to_autovacuum(
        portal, hubspot, monkeypatch):
    """Other syncs' links share the table: a sync whose creates are a small share of
    them does not make all of them worth a vacuum."""
    monkeypatch.setattr(store, "VACUUM_MIN_CREATES", 6)
    companies = make_sync(hubspot, "companies")
    bulkrows.insert([store.new_link(companies.pk, portal.pk, app_id=f"c{i}",
                                    status=LinkStatus.IN_SYNC) for i in range(100)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE syncs_link")
    before = link_vacuums()

    initial_sync_creating_in_app(portal, hubspot, 6)  # under 10% of the 100 ANALYZE counted

    assert link_vacuums() == before


def test_a_vacuum_another_holds_is_left_to_them_without_waiting(monkeypatch):
    """Another worker's VACUUM or ANALYZE of the links: this one gives up within its
    short lock wait, and the session's lock timeout is as it was."""
    monkeypatch.setattr(store, "VACUUM_CREATES_SHARE", 0.0)
    settings = connection.settings_dict
    other = psycopg.connect(dbname=settings["NAME"], user=settings["USER"],
                            password=settings["PASSWORD"], host=settings["HOST"],
                            port=settings["PORT"] or None)
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        (before,) = cursor.fetchone()
    try:
        other.execute("LOCK TABLE syncs_link IN SHARE UPDATE EXCLUSIVE MODE")  # as VACUUM
        assert store.vacuum_after_initial_sync(store.VACUUM_MIN_CREATES) is False
    finally:
        other.rollback()
        other.close()
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone() == (before,)
    assert store.vacuum_after_initial_sync(store.VACUUM_MIN_CREATES) is True  # free again
