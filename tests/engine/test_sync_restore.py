"""Support brings deleted records back from the other side's data."""

import pytest

from syncapp.crm.models import Record
from syncapp.crm.services import archive_record, create_record, update_record
from syncapp.integrations.catalog import connector_class
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import Link, LinkStatus
from syncapp.syncs.run.restore import recreate_in_app, restore_in_hub
from tests.kits.engine import make_sync, run

pytestmark = pytest.mark.django_db(transaction=True)


def _config(sync):
    return build_config(sync, connector_class(sync.connection.app_key))


def test_records_deleted_in_the_app_are_recreated_from_the_hub(portal, hubspot):
    hubspot.clear("contacts")
    create_record(portal, "contact", {"email": "ann@acme.com", "firstname": "Ann"})
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    link = Link.objects.get(object_sync=sync)
    hubspot.delete("contacts", link.app_id)
    run(hubspot, sync)
    link.refresh_from_db()
    assert link.status == LinkStatus.DELETED_IN_APP
    assert Record.objects.live().filter(email_key="ann@acme.com").exists()  # never spread

    counts = recreate_in_app(_config(sync), hubspot.connector(), [link])
    link.refresh_from_db()
    assert counts["restored"] == 1
    assert link.status == LinkStatus.IN_SYNC
    assert hubspot.get("contacts", link.app_id)["firstname"] == "Ann"
    run(hubspot, sync)  # and it stays quiet afterwards
    link.refresh_from_db()
    assert link.status == LinkStatus.IN_SYNC


def test_records_deleted_in_the_hub_are_restored_with_the_apps_data(portal, hubspot):
    hubspot.clear("contacts")
    app_id = hubspot.create("contacts", email="bob@globex.com", firstname="Bob")
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    record = Record.objects.get(email_key="bob@globex.com")
    archive_record(record)
    run(hubspot, sync)
    link = Link.objects.get(object_sync=sync)
    assert link.status == LinkStatus.DELETED_IN_HUB
    assert hubspot.get("contacts", app_id) is not None  # never spread
    hubspot.update("contacts", app_id, firstname="Robert")

    counts = restore_in_hub(_config(sync), hubspot.connector(), [link])
    record.refresh_from_db()
    assert counts["restored"] == 1
    assert record.archived_at is None
    assert record.properties["firstname"] == "Robert"


def test_a_hub_edit_made_just_before_the_delete_reaches_the_app_when_support_restores(
        portal, hubspot):
    hubspot.clear("contacts")
    app_id = hubspot.create("contacts", email="cy@globex.com", firstname="Cy",
                            lastname="Old")
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    record = Record.objects.get(email_key="cy@globex.com")
    update_record(record, {"lastname": "New"})
    archive_record(record)  # before any run saw the edit
    run(hubspot, sync)
    hubspot.update("contacts", app_id, firstname="Cyrus")
    link = Link.objects.get(object_sync=sync)
    assert link.status == LinkStatus.DELETED_IN_HUB

    counts = restore_in_hub(_config(sync), hubspot.connector(), [link])

    record.refresh_from_db()
    link.refresh_from_db()
    assert counts["restored"] == 1 and link.status == LinkStatus.IN_SYNC
    assert (record.properties["firstname"], record.properties["lastname"]) == ("Cyrus", "New")
    assert hubspot.get("contacts", app_id)["lastname"] == "New"
    run(hubspot, sync)  # and the pair stays as it is
    assert hubspot.get("contacts", app_id)["firstname"] == "Cyrus"
    link.refresh_from_db()
    assert link.status == LinkStatus.IN_SYNC


def test_a_sync_to_the_hub_only_never_recreates_in_the_app(portal, hubspot):
    hubspot.clear("contacts")
    app_id = hubspot.create("contacts", email="ann@acme.com", firstname="Ann")
    sync = make_sync(hubspot, "contacts", direction="to_hub")
    run(hubspot, sync)
    hubspot.delete("contacts", app_id)
    run(hubspot, sync)
    link = Link.objects.get(object_sync=sync)

    counts = recreate_in_app(_config(sync), hubspot.connector(), [link])

    # No mapping may write the app: it would be an empty contact, called in sync.
    assert counts["restored"] == 0
    assert hubspot.all("contacts") == {}
    link.refresh_from_db()
    assert link.status == LinkStatus.DELETED_IN_APP
