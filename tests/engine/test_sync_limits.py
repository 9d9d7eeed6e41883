"""Limits: email-only contacts, per-direction filters, required identifiers (DESIGN "Limits")."""

import pytest

from syncapp.crm.services import create_record, update_record
from syncapp.engine.limits import FILTERS, NO_EMAIL, NO_IDENTIFIER
from syncapp.syncs.models import LinkStatus, SyncFilter
from tests.kits.engine import make_sync, run
from tests.kits.observe import fresh, hub_by, link_of_app, link_of_hub, live

pytestmark = pytest.mark.django_db(transaction=True)


def test_contacts_without_an_email_are_excluded_on_both_sides(portal, hubspot):
    fresh(hubspot, "contacts")
    nameless = hubspot.create("contacts", firstname="No", lastname="Email")
    hub_only = create_record(portal, "contact", {"firstname": "Also", "lastname": "None"})
    sync = make_sync(hubspot, "contacts")

    run(hubspot, sync)

    for link in (link_of_app(sync, nameless), link_of_hub(sync, hub_only)):
        assert (link.status, link.exclusion_reason) == (LinkStatus.EXCLUDED, NO_EMAIL)
    assert len(live(portal, "contact")) == 1
    assert len(hubspot.all("contacts")) == 1


def test_contacts_without_an_email_sync_once_the_email_only_limit_is_off(portal, hubspot):
    fresh(hubspot, "contacts")
    hubspot.create("contacts", firstname="No", lastname="Email")
    create_record(portal, "contact", {"firstname": "Also", "lastname": "None"})
    sync = make_sync(hubspot, "contacts", email_only=False)

    run(hubspot, sync)

    assert sorted(r.display_name for r in live(portal, "contact")) == ["Also None", "No Email"]
    assert len(hubspot.all("contacts")) == 2


def test_an_excluded_contact_syncs_once_it_gets_an_email(portal, hubspot):
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", firstname="Later")
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    assert link_of_app(sync, app_id).status == LinkStatus.EXCLUDED

    hubspot.update("contacts", app_id, email="later@example.com")
    run(hubspot, sync)

    link = link_of_app(sync, app_id)
    assert (link.status, link.exclusion_reason) == (LinkStatus.IN_SYNC, "")
    assert hub_by(portal, "contact", email="later@example.com").pk == link.hub_record_id


def test_filters_limit_only_the_initial_linking(portal, hubspot):
    fresh(hubspot, "contacts")
    customer = hubspot.create("contacts", email="cus@example.com", lifecyclestage="customer")
    lead = hubspot.create("contacts", email="lead@example.com", lifecyclestage="lead")
    lisbon = create_record(portal, "contact", {"email": "lis@example.com", "city": "Lisbon"})
    porto = create_record(portal, "contact", {"email": "por@example.com", "city": "Porto"})
    sync = make_sync(hubspot, "contacts")
    SyncFilter.objects.create(object_sync=sync, side="app", field="lifecyclestage",
                              operator="is", value="customer")
    SyncFilter.objects.create(object_sync=sync, side="hub", field="city", operator="is",
                              value="Lisbon")

    run(hubspot, sync)

    for link in (link_of_app(sync, lead), link_of_hub(sync, porto)):
        assert (link.status, link.exclusion_reason) == (LinkStatus.EXCLUDED, FILTERS)
    assert link_of_app(sync, customer).status == LinkStatus.IN_SYNC
    lisbon_in_app = link_of_hub(sync, lisbon).app_id
    assert hubspot.get("contacts", lisbon_in_app)["city"] == "Lisbon"
    assert sorted(c["email"] for c in hubspot.all("contacts").values()) == [
        "cus@example.com", "lead@example.com", "lis@example.com"]

    # Once linked, a record keeps syncing whatever its values become.
    hubspot.update("contacts", customer, lifecyclestage="evangelist", phone="111")
    update_record(lisbon, {"city": "Madrid"})
    run(hubspot, sync)

    assert hub_by(portal, "contact", email="cus@example.com").properties["phone"] == "111"
    assert hubspot.get("contacts", lisbon_in_app)["city"] == "Madrid"
    # And a record that starts to match the filters is linked then.
    hubspot.update("contacts", lead, lifecyclestage="customer")
    run(hubspot, sync)
    assert link_of_app(sync, lead).status == LinkStatus.IN_SYNC


def test_a_record_without_the_chosen_identifier_is_excluded(portal, hubspot):
    fresh(hubspot, "companies")
    phoneless = hubspot.create("companies", name="Acme")
    hub_phoneless = create_record(portal, "company", {"name": "Globex"})
    sync = make_sync(hubspot, "companies", matching="custom",
                     match_fields=[["phone", "phone"]])

    run(hubspot, sync)

    for link in (link_of_app(sync, phoneless), link_of_hub(sync, hub_phoneless)):
        assert (link.status, link.exclusion_reason) == (LinkStatus.EXCLUDED, NO_IDENTIFIER)
    assert len(live(portal, "company")) == 1
    assert len(hubspot.all("companies")) == 1


def test_a_linked_contact_whose_email_is_removed_keeps_syncing(portal, hubspot):
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ann@example.com", firstname="Ann")
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    record = link_of_app(sync, app_id).hub_record

    hubspot.update("contacts", app_id, email=None, phone="111")
    run(hubspot, sync)

    record.refresh_from_db()
    assert "email" not in record.properties
    assert record.properties["phone"] == "111"
    assert link_of_app(sync, app_id).status == LinkStatus.IN_SYNC
