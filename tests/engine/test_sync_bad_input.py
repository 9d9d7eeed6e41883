"""Bad input: handled by the rules or failed alone, with a clear message; nothing else lost."""

import dataclasses
import unicodedata

import pytest

from connectors.hubspot import HubSpotConnector
from connectors.sdk import ErrorCategory
from syncapp.crm.models import Record
from syncapp.crm.services import create_record, update_record
from syncapp.crm.validation import MAX_TEXT
from syncapp.engine.limits import NO_EMAIL
from syncapp.syncs.models import FieldMapping, LinkStatus, SyncFilter
from tests.kits.engine import make_sync, run
from tests.kits.observe import (
    age_hubspot_records,
    app_writes,
    fresh,
    hub_by,
    hub_writes,
    link_of_app,
    link_of_hub,
    live,
    statuses,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _quiet(app, sync) -> None:
    """A further run writes nothing on either side."""
    app_before, hub_before = len(app_writes(app)), hub_writes(sync)
    run(app, sync)
    assert (len(app_writes(app)), hub_writes(sync)) == (app_before, hub_before)


def test_odd_emails_match_by_the_email_rules_or_are_excluded(portal, pipedrive):
    fresh(pipedrive, "persons")
    spaced = pipedrive.create("persons", name="Ann Lee", email="  Ann.Lee@Example.COM ")
    # The same address in decomposed Unicode (e + combining diaeresis) and upper case.
    zoe = pipedrive.create("persons", name="Zoë Kay",
                           email=unicodedata.normalize("NFD", "ZOË@Exämple.com"))
    not_email = pipedrive.create("persons", name="Not Email", email="call reception")
    inner_space = pipedrive.create("persons", name="Bob Ray", email="bob @example.com")
    ann = create_record(portal, "contact", {"email": "ann.lee@example.com"})
    zoe_hub = create_record(portal, "contact", {"email": "zoë@exämple.com"})
    sync = make_sync(pipedrive, "persons", winner="app")

    run(pipedrive, sync)

    assert link_of_app(sync, spaced).hub_record_id == ann.pk
    assert link_of_app(sync, zoe).hub_record_id == zoe_hub.pk
    for app_id in (not_email, inner_space):
        link = link_of_app(sync, app_id)
        assert (link.status, link.exclusion_reason) == (LinkStatus.EXCLUDED, NO_EMAIL)
    ann.refresh_from_db()
    assert ann.email_key == "ann.lee@example.com"
    assert len(live(portal, "contact")) == 2
    _quiet(pipedrive, sync)


def test_company_domains_given_as_urls_match_by_their_host(portal, hubspot):
    fresh(hubspot, "companies")
    acme = hubspot.create("companies", name="Acme Holdings",
                          domain="https://www.Acme.example/about/team?ref=1")
    globex = hubspot.create("companies", name="Globex Corporation", domain="globex.example")
    acme_hub = create_record(portal, "company", {"name": "Acme", "domain": "acme.example"})
    globex_hub = create_record(portal, "company", {"name": "Globex",
                                                   "domain": "HTTP://Globex.example/contact/"})
    sync = make_sync(hubspot, "companies", winner="hub")

    run(hubspot, sync)

    assert link_of_app(sync, acme).hub_record_id == acme_hub.pk
    assert link_of_app(sync, globex).hub_record_id == globex_hub.pk
    assert hubspot.get("companies", acme)["domain"] == "acme.example"
    assert len(live(portal, "company")) == 2
    _quiet(hubspot, sync)


def test_a_value_of_the_wrong_type_fails_only_its_record(portal, hubspot):
    fresh(hubspot, "companies")
    wrong = hubspot.create("companies", name="Acme", city="Lisbon")
    right = hubspot.create("companies", name="Globex", city="42")
    sync = make_sync(hubspot, "companies")
    # Someone maps a text field onto a number property.
    sync.mappings.filter(hub_property="numberofemployees").update(enabled=False)
    FieldMapping.objects.create(object_sync=sync, app_field="city",
                                hub_property="numberofemployees", is_default=False)

    run(hubspot, sync)

    link = link_of_app(sync, wrong)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, ErrorCategory.INVALID_VALUE)
    assert "numberofemployees" in link.error_message
    assert "number" in link.error_message
    assert hub_by(portal, "company", name="Globex").properties["numberofemployees"] == "42"
    assert link_of_app(sync, right).status == LinkStatus.IN_SYNC

    # A linked record that receives a wrong value fails; its last good values stay.
    hubspot.update("companies", right, city="many", phone="+1 555 0100")
    run(hubspot, sync)
    link = link_of_app(sync, right)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, ErrorCategory.INVALID_VALUE)
    assert hub_by(portal, "company", name="Globex").properties["numberofemployees"] == "42"

    # Fixed in the app, both records sync.
    hubspot.update("companies", wrong, city="7")
    hubspot.update("companies", right, city="43")
    run(hubspot, sync)
    assert statuses(sync) == {LinkStatus.IN_SYNC: 2}
    globex = hub_by(portal, "company", name="Globex")
    assert (globex.properties["numberofemployees"], globex.properties["phone"]) == (
        "43", "+1 555 0100")


def test_enormous_text_fails_only_its_record(portal, hubspot):
    fresh(hubspot, "companies")
    huge = hubspot.create("companies", name="Acme", description="x" * (MAX_TEXT + 1))
    long_name = "Globex " + "y" * 2000
    big_but_fine = hubspot.create("companies", name=long_name, description="z" * MAX_TEXT)
    sync = make_sync(hubspot, "companies")

    run(hubspot, sync)

    link = link_of_app(sync, huge)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, ErrorCategory.INVALID_VALUE)
    assert "Too long" in link.error_message
    fine = Record.objects.get(pk=link_of_app(sync, big_but_fine).hub_record_id)
    assert fine.properties["name"] == long_name
    assert len(fine.properties["description"]) == MAX_TEXT
    assert len(link_of_app(sync, big_but_fine).app_name) <= 300
    _quiet(hubspot, sync)


def test_two_app_records_with_one_email_link_one_and_fail_the_other(portal, pipedrive):
    fresh(pipedrive, "persons")
    new_first = pipedrive.create("persons", name="New One", email="new@example.com")
    new_second = pipedrive.create("persons", name="New Two", email="NEW@example.com")
    old_first = pipedrive.create("persons", name="Old One", email="old@example.com")
    old_second = pipedrive.create("persons", name="Old Two", email="old@example.com")
    old = create_record(portal, "contact", {"email": "old@example.com"})
    sync = make_sync(pipedrive, "persons")

    run(pipedrive, sync)

    assert link_of_app(sync, old_first).hub_record_id == old.pk
    assert link_of_app(sync, new_first).status == LinkStatus.IN_SYNC
    for app_id in (new_second, old_second):
        link = link_of_app(sync, app_id)
        assert (link.status, link.error_category) == (LinkStatus.FAILED, ErrorCategory.DUPLICATE)
    # New Two was created in the same batch as New One, and Syncapp refused the email;
    # Old Two found Old One's record linked already, so it was not even tried.
    assert "already uses this email" in link_of_app(sync, new_second).error_message
    claimed = link_of_app(sync, old_second)
    assert "linked to another record" in claimed.error_message
    assert claimed.candidates == {"hub": [old.pk]}
    assert sorted(r.properties["email"] for r in live(portal, "contact")) == [
        "new@example.com", "old@example.com"]
    assert len(pipedrive.all("persons")) == 4


def test_a_record_the_hub_refuses_fails_alone_and_syncs_once_fixed(portal, hubspot):
    fresh(hubspot, "contacts")
    bad = hubspot.create("contacts", email="bad@example.com", phone="call me maybe")
    good = [hubspot.create("contacts", email=f"ok{n}@example.com", phone="111")
            for n in range(3)]
    sync = make_sync(hubspot, "contacts")

    run(hubspot, sync)

    link = link_of_app(sync, bad)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, ErrorCategory.INVALID_VALUE)
    assert "phone" in link.error_message
    assert all(link_of_app(sync, app_id).status == LinkStatus.IN_SYNC for app_id in good)
    assert sync.runs.order_by("-pk").first().counts["failed"] == 1

    hubspot.update("contacts", bad, phone="+1 555 0100")
    run(hubspot, sync)
    assert link_of_app(sync, bad).status == LinkStatus.IN_SYNC
    assert hub_by(portal, "contact", email="bad@example.com").properties["phone"] == (
        "+1 555 0100")


def test_a_record_the_app_refuses_fails_alone(portal, hubspot):
    fresh(hubspot, "contacts")
    # The hub takes any dotted domain; HubSpot wants a real top-level domain.
    bad = create_record(portal, "contact", {"email": "ann@example.c"})
    good = [create_record(portal, "contact", {"email": f"ok{n}@example.com"}) for n in range(3)]
    sync = make_sync(hubspot, "contacts")

    run(hubspot, sync)

    link = link_of_hub(sync, bad)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, ErrorCategory.INVALID_VALUE)
    assert link.app_id is None
    assert "ann@example.c" in link.error_message
    assert all(link_of_hub(sync, r).status == LinkStatus.IN_SYNC for r in good)
    assert sorted(c["email"] for c in hubspot.all("contacts").values()) == [
        f"ok{n}@example.com" for n in range(3)]

    update_record(bad, {"email": "ann@example.com"})
    run(hubspot, sync)
    link = link_of_hub(sync, bad)
    assert link.status == LinkStatus.IN_SYNC
    assert hubspot.get("contacts", link.app_id)["email"] == "ann@example.com"


class _VanishingHubSpot(HubSpotConnector):
    """HubSpot where the records named in `doomed` are deleted just before a read by id,
    as if someone deleted them between the engine's list and its read."""

    doomed: set[str] = set()

    def read_by_ids(self, object_name, ids):
        gone = [i for i in ids if i in self.doomed]
        if gone:
            self.delete(object_name, gone)
        return super().read_by_ids(object_name, ids)


@pytest.fixture
def vanishing(hubspot, monkeypatch):
    monkeypatch.setattr(_VanishingHubSpot, "doomed", set())
    return dataclasses.replace(hubspot, cls=_VanishingHubSpot)


def test_a_linked_app_record_that_vanishes_before_its_read_is_deleted_in_app(
        portal, vanishing):
    fresh(vanishing, "contacts")
    ann = vanishing.create("contacts", email="ann@example.com")
    bob = vanishing.create("contacts", email="bob@example.com")
    sync = make_sync(vanishing, "contacts")
    run(vanishing, sync)
    age_hubspot_records(vanishing, "contacts")
    run(vanishing, sync)
    ann_hub = hub_by(portal, "contact", email="ann@example.com")
    update_record(ann_hub, {"jobtitle": "CFO"})
    update_record(hub_by(portal, "contact", email="bob@example.com"), {"jobtitle": "CTO"})
    _VanishingHubSpot.doomed.add(ann)

    run(vanishing, sync)

    link = link_of_app(sync, ann)
    assert link.status == LinkStatus.DELETED_IN_APP
    ann_hub.refresh_from_db()
    assert (ann_hub.archived_at, ann_hub.properties["jobtitle"]) == (None, "CFO")
    assert vanishing.get("contacts", bob)["jobtitle"] == "CTO"


def test_an_unlinked_app_record_that_vanishes_before_its_read_loses_no_hub_record(
        portal, vanishing):
    fresh(vanishing, "contacts")
    # Excluded by the filter, the app record waits by its email for a hub record.
    lead = vanishing.create("contacts", email="lead@example.com", lifecyclestage="lead")
    hub_lead = create_record(portal, "contact", {"email": "lead@example.com",
                                                 "firstname": "Lee"})
    sync = make_sync(vanishing, "contacts")
    SyncFilter.objects.create(object_sync=sync, side="app", field="lifecyclestage",
                              operator="is", value="customer")
    _VanishingHubSpot.doomed.add(lead)

    run(vanishing, sync)

    link = link_of_hub(sync, hub_lead)
    assert link.status == LinkStatus.IN_SYNC
    assert link.app_id != lead
    assert vanishing.get("contacts", link.app_id)["firstname"] == "Lee"
