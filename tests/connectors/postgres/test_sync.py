"""The PostgreSQL table synced by the engine against the real second database: both
ways for a table, one way for a view (the wizard offers nothing else), deletes by
the trigger's log or by the nightly key diff, and a write refused for a missing
privilege."""

import re

import pytest
from django.urls import reverse

from connectors.sdk import ErrorCategory
from syncapp.crm.models import Record
from syncapp.crm.services import create_record, update_record
from syncapp.syncs import keydiff
from syncapp.syncs.models import Link, LinkStatus, ObjectSync
from tests.connectors.postgres import kit
from tests.kits.engine import make_sync, run, settle

pytestmark = pytest.mark.django_db(transaction=True)
OBJ = "public.users"


def hub_contacts(portal) -> dict[str, dict]:
    return {r.properties.get("email"): r.properties
            for r in Record.objects.filter(portal=portal, object_type="contact",
                                           archived_at__isnull=True)}


def statuses(sync) -> list[str]:
    return sorted(Link.objects.filter(object_sync=sync).values_list("status", flat=True))


@pytest.fixture
def table(portal, users_table):
    kit.add_users(4)
    app = kit.connect(portal)
    yield app
    app.close()


def test_a_table_syncs_both_ways(portal, table):
    create_record(portal, "contact", {"email": "hub@pg.example", "firstname": "Hub"})
    sync = make_sync(table, OBJ)
    run(table, sync)
    assert {"user1@pg.example", "hub@pg.example"} <= set(hub_contacts(portal))
    assert kit.sql("SELECT first_name FROM users WHERE email = 'hub@pg.example'") == [("Hub",)]

    kit.sql("UPDATE users SET first_name = 'Renamed', updated_at = now() WHERE id = 2")
    record = Record.objects.get(portal=portal, email_key="user3@pg.example")
    update_record(record, {"lastname": "FromHub"})
    settle(portal)
    run(table, sync)
    assert hub_contacts(portal)["user2@pg.example"]["firstname"] == "Renamed"
    assert kit.sql("SELECT last_name FROM users WHERE id = 3") == [("FromHub",)]
    assert set(statuses(sync)) == {LinkStatus.IN_SYNC}


def test_deletes_come_from_the_trigger_log_when_it_is_set_up(portal, table):
    sync = make_sync(table, OBJ)
    run(table, sync)
    kit.sql(kit.PostgresConnector.setup_sql(table.connection.account_extra))
    kit.sql("DELETE FROM users WHERE id = 1")
    run(table, sync)
    link = Link.objects.get(object_sync=sync, app_id="1")
    assert link.status == LinkStatus.DELETED_IN_APP


def test_without_the_trigger_the_nightly_key_diff_finds_deletes(portal, table):
    sync = make_sync(table, OBJ)
    run(table, sync)
    kit.sql("DELETE FROM users WHERE id IN (2, 4)")
    run(table, sync)  # a run alone cannot see them
    assert Link.objects.filter(object_sync=sync, status=LinkStatus.DELETED_IN_APP).count() == 0
    assert sync.pk in keydiff.syncs_to_diff()

    assert keydiff.diff_sync(sync.pk) == 2
    gone = Link.objects.filter(object_sync=sync, status=LinkStatus.DELETED_IN_APP)
    assert sorted(gone.values_list("app_id", flat=True)) == ["2", "4"]
    assert keydiff.diff_sync(sync.pk) == 0  # recorded once


def test_the_key_diff_stands_down_once_the_trigger_is_set_up(portal, table):
    sync = make_sync(table, OBJ)
    run(table, sync)
    kit.sql(kit.PostgresConnector.setup_sql(table.connection.account_extra))
    assert not keydiff.due(sync, table.connector())


def test_the_setup_page_says_which_delete_path_is_active(admin_client, portal, table):
    setup = reverse("integrations:account_setup", args=["postgres", table.connection.pk])
    assert 'data-deletes="key_diff"' in admin_client.get(setup).content.decode()
    kit.sql(kit.PostgresConnector.setup_sql(table.connection.account_extra))
    admin_client.post(reverse("integrations:check_deletes",
                              args=["postgres", table.connection.pk]))
    assert 'data-deletes="trigger"' in admin_client.get(setup).content.decode()


def test_a_view_is_offered_only_to_the_hub(admin_client, portal, users_table):
    kit.sql("CREATE VIEW active_users AS SELECT id, email, first_name, updated_at FROM users")
    app = kit.connect(portal, "public.active_users", key="id")
    admin_client.post(reverse("syncs:choose", args=["postgres"]),
                      {"account": app.connection.pk, "object": "public.active_users"})
    app.close()
    sync = ObjectSync.objects.get(connection=app.connection)
    assert sync.direction == "to_hub"
    configure = reverse("syncs:configure", args=["postgres", sync.pk])
    html = admin_client.get(configure).content.decode()
    assert 'value="to_hub"' in html
    assert 'value="two_way"' not in html and 'value="to_app"' not in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    refused = admin_client.post(configure, {"direction": "two_way", "winner": "hub",
                                            "matching": "default", "token": token})
    assert refused.status_code == 400
    sync.refresh_from_db()
    assert sync.direction == "to_hub"


def test_a_view_syncs_into_the_hub(portal, users_table):
    kit.add_users(3)
    kit.sql("CREATE VIEW active_users AS SELECT id, email, first_name, updated_at FROM users")
    app = kit.connect(portal, "public.active_users", key="id")
    create_record(portal, "contact", {"email": "only-hub@pg.example"})
    sync = make_sync(app, "public.active_users", direction="to_hub")
    run(app, sync)
    assert {"user1@pg.example", "user3@pg.example"} <= set(hub_contacts(portal))
    assert kit.sql("SELECT count(*) FROM users") == [(3,)]  # never written
    app.close()


def test_a_user_who_may_only_select_syncs_to_the_hub_and_writes_are_refused(portal,
                                                                            users_table):
    reader = kit.role("reader", "SELECT")
    app = kit.connect(portal, user=reader)
    spec_object = app.connector().object(OBJ)
    assert spec_object.capabilities.directions == ("to_hub",)
    outcomes = app.connector().create(OBJ, [("a", {"email": "x@pg.example"}),
                                            ("b", {"email": "y@pg.example"})])
    assert [o.error.category for o in outcomes] == [ErrorCategory.PERMISSION_DENIED] * 2
    assert "privilege" in outcomes[0].error.message
    app.close()

