"""Records a sync creates say so ("Record source"), so automations and lists can leave
them out; records a person creates stay untagged, and nobody can write the tag."""

import pytest
from django.urls import reverse

from syncapp.crm.services import RecordInvalid, create_record, update_record
from tests.kits.engine import make_sync, run
from tests.kits.observe import fresh, link_of_app

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_hub_record_a_sync_creates_carries_its_source_and_the_list_can_show_only_those(
        portal, hubspot, admin_client):
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ann@example.com", firstname="Ann")
    by_hand = create_record(portal, "contact", {"email": "bob@example.com",
                                                "firstname": "Bob"})
    sync = make_sync(hubspot, "contacts")

    run(hubspot, sync)

    created = link_of_app(sync, app_id).hub_record
    assert created.properties["record_source"] == "Created by sync: HubSpot"
    by_hand.refresh_from_db()
    assert "record_source" not in by_hand.properties
    listed = admin_client.get(reverse("crm:list", args=["contact"]), {"view": "sync"})
    assert listed.status_code == 200
    assert "Ann" in listed.content.decode()
    assert "Bob" not in listed.content.decode()
    everyone = admin_client.get(reverse("crm:list", args=["contact"])).content.decode()
    assert "Ann" in everyone and "Bob" in everyone


def test_nobody_writes_the_record_source_by_hand(portal):
    with pytest.raises(RecordInvalid) as refused:
        create_record(portal, "contact", {"email": "eve@example.com",
                                          "record_source": "Created by sync: Pipedrive"})
    assert "set by Syncapp" in str(refused.value.errors["record_source"])
    record = create_record(portal, "contact", {"email": "eve@example.com"})
    with pytest.raises(RecordInvalid):
        update_record(record, {"record_source": "Created by sync: Pipedrive"})
    record.refresh_from_db()
    assert (record.properties.get("record_source"), record.created_by_sync) == (None, False)

