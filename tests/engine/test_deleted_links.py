"""What a link says once its records are deleted: a failed link leaves the failed list
as deleted on the side that lost its record, and a link deleted on one side and then
on the other says both, whichever came first. Restoring it takes Syncapp's archived
record back; nothing live remains on either side to copy it from."""

import pytest

from connectors.sdk import ErrorCategory
from syncapp.crm.models import Record
from syncapp.crm.services import archive_record, create_record, restore_record
from syncapp.health import repair_start
from syncapp.integrations.catalog import connector_class
from syncapp.syncs.configure import build_config
from syncapp.syncs.counts import counts_for
from syncapp.syncs.models import LinkStatus
from syncapp.syncs.run.restore import recreate_in_app, restore_in_hub
from tests.kits.engine import make_sync, run, settle
from tests.kits.observe import fresh, link_of_app, link_of_hub

pytestmark = pytest.mark.django_db(transaction=True)


def _config(sync):
    return build_config(sync, connector_class(sync.connection.app_key))


@pytest.fixture
def duplicates(portal, hubspot):
    """Ann on both sides with matching off: each side refuses the other's create as a
    duplicate, so both links fail, one holding only the app record, one only the hub's."""
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ann@example.com")
    record = create_record(portal, "contact", {"email": "ANN@example.com"})
    sync = make_sync(hubspot, "contacts", matching="none")
    run(hubspot, sync)
    assert link_of_app(sync, app_id).status == LinkStatus.FAILED
    assert link_of_hub(sync, record).status == LinkStatus.FAILED
    return sync, app_id, record


def test_a_failed_link_whose_app_record_is_deleted_says_deleted_in_the_app(
        portal, hubspot, duplicates):
    sync, app_id, _record = duplicates
    hubspot.delete("contacts", app_id)

    run(hubspot, sync)

    link = link_of_app(sync, app_id)
    assert (link.status, link.error_category) == (LinkStatus.DELETED_IN_APP,
                                                  ErrorCategory.NOT_FOUND)
    categories = counts_for([sync.pk])[sync.pk].failed_by_category
    assert categories == {"duplicate": 1, "not_found": 1}


def test_a_failed_link_whose_hub_record_is_deleted_says_deleted_in_syncapp(
        portal, hubspot, duplicates):
    sync, _app_id, record = duplicates
    archive_record(record)

    run(hubspot, sync)

    link = link_of_hub(sync, record)
    assert (link.status, link.error_category) == (LinkStatus.DELETED_IN_HUB,
                                                  ErrorCategory.DELETED_IN_HUB)
    # (the app's Ann, no longer a duplicate of anyone, may have been created meanwhile)
    assert counts_for([sync.pk])[sync.pk].failed_by_category.get("deleted_in_hub") == 1


@pytest.fixture
def ann(portal, hubspot):
    """Ann, linked by a two-way contact sync."""
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ann@example.com", firstname="Ann")
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    return sync, app_id, Record.objects.get(portal=portal, email_key="ann@example.com")


@pytest.mark.parametrize("first", ["hub", "app", "same run"])
def test_a_link_deleted_on_both_sides_says_so_whichever_side_went_first(
        portal, hubspot, ann, first):
    sync, app_id, record = ann
    if first == "hub":
        archive_record(record)
        run(hubspot, sync)
        assert link_of_app(sync, app_id).status == LinkStatus.DELETED_IN_HUB
        hubspot.delete("contacts", app_id)
    elif first == "app":
        hubspot.delete("contacts", app_id)
        run(hubspot, sync)
        assert link_of_app(sync, app_id).status == LinkStatus.DELETED_IN_APP
        archive_record(record)
    else:
        archive_record(record)
        hubspot.delete("contacts", app_id)

    run(hubspot, sync)

    link = link_of_app(sync, app_id)
    assert (link.status, link.error_category) == (LinkStatus.DELETED_BOTH, "deleted_both")
    counts = counts_for([sync.pk])[sync.pk]
    assert (counts.failed, counts.failed_by_category) == (1, {"deleted_both": 1})
    run(hubspot, sync)  # and a later run leaves it so
    assert link_of_app(sync, app_id).status == LinkStatus.DELETED_BOTH


def test_a_link_deleted_on_both_sides_is_restored_from_syncapps_archive_then_resynced(
        portal, hubspot, ann):
    sync, app_id, record = ann
    archive_record(record)
    hubspot.delete("contacts", app_id)
    run(hubspot, sync)
    link = link_of_app(sync, app_id)

    # Nothing live in the app: a resync into the app has nothing to take.
    assert recreate_in_app(_config(sync), hubspot.connector(), [link])["restored"] == 0
    assert repair_start.gone_on_both_sides(sync) == 1

    counts = restore_in_hub(_config(sync), hubspot.connector(), [link])

    record.refresh_from_db()
    link.refresh_from_db()
    assert counts["restored"] == 1 and record.archived_at is None
    assert link.status == LinkStatus.DELETED_IN_APP  # the app's record is still gone
    counts = recreate_in_app(_config(sync), hubspot.connector(), [link])
    link.refresh_from_db()
    assert counts["restored"] == 1 and link.status == LinkStatus.IN_SYNC
    assert hubspot.get("contacts", link.app_id)["firstname"] == "Ann"


def test_a_link_deleted_on_both_sides_says_deleted_in_the_app_once_the_hub_record_is_back(
        portal, hubspot, ann):
    sync, app_id, record = ann
    archive_record(record)
    hubspot.delete("contacts", app_id)
    run(hubspot, sync)
    assert link_of_app(sync, app_id).status == LinkStatus.DELETED_BOTH
    record.refresh_from_db()
    restore_record(record)  # Undo delete in Syncapp's CRM, by hand
    settle(portal)

    run(hubspot, sync)

    link = link_of_app(sync, app_id)
    assert (link.status, link.error_category) == (LinkStatus.DELETED_IN_APP, "not_found")
    assert recreate_in_app(_config(sync), hubspot.connector(), [link])["restored"] == 1
