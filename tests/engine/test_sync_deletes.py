"""A delete on one side never deletes the other (DESIGN "Deletes")."""

import pytest

from connectors.sdk import ErrorCategory
from syncapp.crm.models import Record
from syncapp.crm.services import archive_record, create_record, update_record
from syncapp.syncs.counts import counts_for
from syncapp.syncs.models import LinkStatus
from tests.kits.engine import make_sync, run
from tests.kits.observe import app_writes, fresh, link_of_app, link_of_hub, live

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ann(portal, hubspot):
    """Ann, linked by a two-way contact sync."""
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ann@example.com", phone="111")
    record = create_record(portal, "contact", {"email": "ann@example.com", "jobtitle": "CFO"})
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    return sync, app_id, record


def test_a_delete_in_the_app_marks_the_link_and_keeps_the_hub_record(portal, hubspot, ann):
    sync, app_id, record = ann
    hubspot.delete("contacts", app_id)

    run(hubspot, sync)

    link = link_of_hub(sync, record)
    assert link.status == LinkStatus.DELETED_IN_APP
    assert link.error_category == ErrorCategory.NOT_FOUND
    record.refresh_from_db()
    assert record.archived_at is None
    assert record.properties == {"email": "ann@example.com", "jobtitle": "CFO", "phone": "111"}
    assert sync.runs.order_by("-pk").first().counts["deleted"] == 1
    assert counts_for([sync.pk])[sync.pk].failed == 1  # the dashboard counts it failed

    # Later hub changes do not bring it back by themselves: that takes a resync.
    writes = len(app_writes(hubspot))
    update_record(record, {"jobtitle": "CEO"})
    run(hubspot, sync)
    assert len(app_writes(hubspot)) == writes
    assert link_of_hub(sync, record).status == LinkStatus.DELETED_IN_APP


def test_an_archive_in_the_hub_marks_the_link_and_keeps_the_app_record(portal, hubspot, ann):
    sync, app_id, record = ann
    archive_record(record)

    run(hubspot, sync)

    link = link_of_app(sync, app_id)
    assert link.status == LinkStatus.DELETED_IN_HUB
    assert link.error_category == ErrorCategory.DELETED_IN_HUB
    assert counts_for([sync.pk])[sync.pk].failed == 1
    values = hubspot.get("contacts", app_id)
    assert (values["email"], values["phone"], values["jobtitle"]) == (
        "ann@example.com", "111", "CFO")

    # Later app changes do not recreate it in the hub either.
    hubspot.update("contacts", app_id, phone="222")
    run(hubspot, sync)
    assert live(portal, "contact") == []
    assert link_of_app(sync, app_id).status == LinkStatus.DELETED_IN_HUB


def test_a_person_deleted_in_pipedrive_marks_the_link_and_keeps_the_hub_contact(
        portal, pipedrive):
    fresh(pipedrive, "persons")
    person = pipedrive.create("persons", name="Ann Lee", email="ann@example.com")
    other = pipedrive.create("persons", name="Bob Ray", email="bob@example.com")
    sync = make_sync(pipedrive, "persons")
    run(pipedrive, sync)
    ann = Record.objects.get(pk=link_of_app(sync, person).hub_record_id)

    pipedrive.delete("persons", person)
    pipedrive.update("persons", other, job_title="CTO")
    run(pipedrive, sync)

    assert link_of_app(sync, person).status == LinkStatus.DELETED_IN_APP
    ann.refresh_from_db()
    assert (ann.archived_at, ann.properties["firstname"]) == (None, "Ann")
    assert Record.objects.get(pk=link_of_app(sync, other).hub_record_id).properties[
        "jobtitle"] == "CTO"
