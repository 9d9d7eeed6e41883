"""Direction decides which side may be written; nothing overrides it (DESIGN "Direction")."""

import pytest

from syncapp.crm.models import ChangeLogEntry, Record
from syncapp.crm.services import create_record, update_record
from syncapp.engine.limits import DIRECTION
from syncapp.syncs.models import LinkStatus
from tests.kits.engine import make_sync, run
from tests.kits.observe import app_writes, fresh, hub_by, hub_writes, link_of_app, link_of_hub

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_way_creates_each_sides_missing_records_on_the_other(portal, hubspot):
    fresh(hubspot, "companies")
    app_only = hubspot.create("companies", name="Initech", domain="initech.example",
                              city="Austin")
    hub_only = create_record(portal, "company", {"name": "Umbrella", "domain": "umbrella.example",
                                                 "numberofemployees": "250"})
    sync = make_sync(hubspot, "companies", direction="two_way")

    run(hubspot, sync)

    created_in_hub = hub_by(portal, "company", name="Initech")
    assert created_in_hub.properties["city"] == "Austin"
    assert link_of_app(sync, app_only).hub_record_id == created_in_hub.pk
    umbrella_link = link_of_hub(sync, hub_only)
    assert umbrella_link.status == LinkStatus.IN_SYNC
    umbrella = hubspot.get("companies", umbrella_link.app_id)
    assert (umbrella["name"], umbrella["numberofemployees"]) == ("Umbrella", "250")


def test_to_hub_never_writes_the_app_and_excludes_hub_only_records(portal, hubspot):
    fresh(hubspot, "contacts")
    ann = hubspot.create("contacts", email="ann@example.com", phone="111")
    bob = hubspot.create("contacts", email="bob@example.com", firstname="Bob")
    create_record(portal, "contact", {"email": "ann@example.com", "phone": "999",
                                      "jobtitle": "CFO"})
    hub_only = create_record(portal, "contact", {"email": "cy@example.com"})
    sync = make_sync(hubspot, "contacts", direction="to_hub", winner="hub")
    writes_before = len(app_writes(hubspot))

    run(hubspot, sync)

    assert len(app_writes(hubspot)) == writes_before
    assert hub_by(portal, "contact", email="bob@example.com").properties["firstname"] == "Bob"
    ann_app = hubspot.get("contacts", ann)
    assert ann_app["phone"] == "111"  # the hub won, but the app may not be written
    assert ann_app["jobtitle"] is None  # nor filled
    excluded = link_of_hub(sync, hub_only)
    assert (excluded.status, excluded.exclusion_reason) == (LinkStatus.EXCLUDED, DIRECTION)
    assert link_of_app(sync, bob).status == LinkStatus.IN_SYNC

    update_record(hub_by(portal, "contact", email="bob@example.com"), {"lastname": "Stone"})
    hubspot.update("contacts", ann, jobtitle="CEO")
    writes_before = len(app_writes(hubspot))
    run(hubspot, sync)

    assert hub_by(portal, "contact", email="ann@example.com").properties["jobtitle"] == "CEO"
    assert hubspot.get("contacts", bob)["lastname"] is None
    assert len(app_writes(hubspot)) == writes_before


def test_to_app_never_writes_the_hub_and_excludes_app_only_records(portal, hubspot):
    fresh(hubspot, "contacts")
    ann = hubspot.create("contacts", email="ann@example.com", phone="111", jobtitle="CFO")
    app_only = hubspot.create("contacts", email="dee@example.com")
    hub_ann = create_record(portal, "contact", {"email": "ann@example.com", "phone": "999"})
    hub_only = create_record(portal, "contact", {"email": "cy@example.com", "firstname": "Cy"})
    sync = make_sync(hubspot, "contacts", direction="to_app", winner="app")

    run(hubspot, sync)

    assert hub_writes(sync) == 0
    hub_ann.refresh_from_db()
    assert hub_ann.properties == {"email": "ann@example.com", "phone": "999"}
    assert hubspot.get("contacts", ann)["phone"] == "111"  # the app won: nothing to write
    excluded = link_of_app(sync, app_only)
    assert (excluded.status, excluded.exclusion_reason) == (LinkStatus.EXCLUDED, DIRECTION)
    assert not Record.objects.filter(email_key="dee@example.com").exists()
    cy = hubspot.get("contacts", link_of_hub(sync, hub_only).app_id)
    assert cy["firstname"] == "Cy"

    hubspot.update("contacts", ann, phone="222")
    update_record(hub_only, {"lastname": "Young"})
    run(hubspot, sync)

    assert hubspot.get("contacts", link_of_hub(sync, hub_only).app_id)["lastname"] == "Young"
    assert hub_writes(sync) == 0
    assert ChangeLogEntry.objects.filter(record=hub_ann).count() == 1  # its creation only
