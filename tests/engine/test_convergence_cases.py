"""Cases the convergence machine found, kept as plain tests so they stay found."""

import pytest

from syncapp.crm.services import archive_record, create_record, restore_record, update_record
from syncapp.integrations.catalog import connector_class
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus
from syncapp.syncs.run.restore import restore_in_hub
from tests.engine.convergence_kit import app_writes
from tests.kits.engine import make_sync, run, settle

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("direction", ["two_way", "to_hub", "to_app"])
def test_records_created_on_both_sides_between_runs_pair_once(portal, hubspot, direction):
    hubspot.clear("contacts")
    sync = make_sync(hubspot, "contacts", direction=direction)
    run(hubspot, sync)
    # Between two runs, the same person is added on both sides: the run reads the app
    # record and the hub record in one batch, and must link them, not also consider
    # the hub record on its own (which made a second link and failed the batch).
    app_id = hubspot.create("contacts", email="dee@conv.example", firstname="Dee")
    hub = create_record(portal, "contact", {"email": "Dee@conv.example", "lastname": "Lo"})
    settle(portal)

    run(hubspot, sync)

    link = Link.objects.get(object_sync=sync)
    assert (link.hub_record_id, link.app_id, link.status) == (hub.pk, app_id, LinkStatus.IN_SYNC)


def test_a_record_refused_again_unchanged_adds_no_history(portal, hubspot):
    hubspot.clear("contacts")
    hubspot.create("contacts", email="ann@conv.example", phone="call me")  # hub refuses
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    link = Link.objects.get(object_sync=sync)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, "invalid_value")

    # The app's change feed re-reads recent records (an overlap window): the same
    # refusal again is not a new event of the record's history.
    run(hubspot, sync)
    run(hubspot, sync)

    assert list(HistoryEntry.objects.filter(link=link).values_list("action", flat=True)) == [
        "failed"]


# --- found by the deeper machine, and fixed -----------------------------------------


def _one_contact_synced(portal, hubspot):
    """A two-way sync of one hub contact, created in the app by its first run."""
    hubspot.clear("contacts")
    sync = make_sync(hubspot, "contacts")
    hub = create_record(portal, "contact", {"email": "dee@conv.example", "firstname": "Dee"})
    settle(portal)
    run(hubspot, sync)
    return sync, hub


def test_a_hub_record_restored_by_hand_syncs_again(portal, hubspot):
    sync, hub = _one_contact_synced(portal, hubspot)
    archive_record(hub)
    settle(portal)
    run(hubspot, sync)
    hub.refresh_from_db()
    restore_record(hub)
    update_record(hub, {"firstname": "Deb"})
    settle(portal)

    run(hubspot, sync)

    link = Link.objects.get(object_sync=sync)
    assert link.status == LinkStatus.IN_SYNC
    assert hubspot.get("contacts", link.app_id)["firstname"] == "Deb"


def test_deleted_on_both_sides_then_back_in_the_app_says_deleted_in_hub(portal, hubspot):
    sync, hub = _one_contact_synced(portal, hubspot)
    link = Link.objects.get(object_sync=sync)
    hubspot.delete("contacts", link.app_id)
    archive_record(hub)
    settle(portal)
    run(hubspot, sync)
    assert hubspot.undelete("contacts", link.app_id)

    run(hubspot, sync)

    link.refresh_from_db()
    assert link.status == LinkStatus.DELETED_IN_HUB


def test_back_in_the_app_while_deleted_in_the_hub_says_deleted_in_hub_at_once(portal, hubspot):
    sync, hub = _one_contact_synced(portal, hubspot)
    link = Link.objects.get(object_sync=sync)
    hubspot.delete("contacts", link.app_id)
    run(hubspot, sync)  # deleted in the app
    # Between two runs the app record comes back and the hub record goes: one run
    # reads both. It used to mark the link deleted on both sides, and the next
    # re-read of the app record (the feed's overlap window) corrected it, writing
    # history on a run with nothing new.
    assert hubspot.undelete("contacts", link.app_id)
    archive_record(hub)
    settle(portal)

    run(hubspot, sync)
    link.refresh_from_db()
    assert link.status == LinkStatus.DELETED_IN_HUB
    entries = HistoryEntry.objects.filter(link=link).count()
    run(hubspot, sync)
    assert HistoryEntry.objects.filter(link=link).count() == entries


def test_an_app_update_refused_as_a_duplicate_is_not_sent_again_unchanged(portal, hubspot):
    hubspot.clear("contacts")
    hubspot.create("contacts", email="bob@conv.example")  # app-only: a one-way sync skips it
    hub = create_record(portal, "contact", {"email": "ann@conv.example", "firstname": "Ann"})
    sync = make_sync(hubspot, "contacts", direction="to_app")
    settle(portal)
    run(hubspot, sync)
    update_record(hub, {"email": "bob@conv.example"})  # the app has that email already
    settle(portal)
    run(hubspot, sync)
    link = Link.objects.get(object_sync=sync, hub_record=hub)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, "duplicate")
    sent = app_writes(hubspot.sandbox)

    run(hubspot, sync)

    assert app_writes(hubspot.sandbox) == sent


def test_a_value_cleared_in_the_app_is_cleared_when_support_restores_the_hub_record(
        portal, hubspot):
    hubspot.clear("contacts")
    app_id = hubspot.create("contacts", email="fay@conv.example", firstname="Fay")
    sync = make_sync(hubspot, "contacts", direction="to_hub")
    run(hubspot, sync)
    link = Link.objects.get(object_sync=sync)
    archive_record(link.hub_record)
    settle(portal)
    run(hubspot, sync)
    hubspot.update("contacts", app_id, firstname="")
    link.refresh_from_db()
    assert link.status == LinkStatus.DELETED_IN_HUB

    restore_in_hub(build_config(sync, connector_class("hubspot")), hubspot.connector(), [link])

    link.refresh_from_db()
    assert link.status == LinkStatus.IN_SYNC
    assert not link.hub_record.properties.get("firstname")


def test_an_email_passed_from_one_person_to_another_in_the_app_reaches_the_hub(
        portal, hubspot):
    hubspot.clear("contacts")
    bob = hubspot.create("contacts", email="bob@conv.example", firstname="Bob")
    ann = hubspot.create("contacts", email="ann@conv.example", firstname="Ann")
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    hubspot.update("contacts", ann, email="eve@conv.example")
    hubspot.update("contacts", bob, email="ann@conv.example")

    run(hubspot, sync)

    emails = {lk.app_id: lk.hub_record.properties["email"]
              for lk in Link.objects.filter(object_sync=sync)}
    assert emails == {ann: "eve@conv.example", bob: "ann@conv.example"}
