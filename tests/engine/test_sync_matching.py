"""Matching an unlinked record before creating it (DESIGN "Matching")."""

import pytest

from connectors.sdk import ErrorCategory
from syncapp.crm.services import create_record, update_record
from syncapp.syncs.models import FieldMapping, LinkStatus, SyncFilter
from tests.kits.engine import make_sync, run
from tests.kits.observe import (
    app_writes,
    fresh,
    history,
    hub_by,
    hub_writes,
    link_of_app,
    link_of_hub,
    live,
    statuses,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_contacts_match_by_email_whatever_its_letter_case(portal, hubspot):
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="Ann.Lee@Example.COM", firstname="Ann")
    record = create_record(portal, "contact", {"email": " ann.lee@example.com ",
                                               "lastname": "Lee"})
    sync = make_sync(hubspot, "contacts", winner="hub")

    run(hubspot, sync)

    assert link_of_app(sync, app_id).hub_record_id == record.pk
    assert len(live(portal, "contact")) == 1
    assert len(hubspot.all("contacts")) == 1
    assert hubspot.get("contacts", app_id)["lastname"] == "Lee"


def test_persons_match_contacts_by_trimmed_case_insensitive_email_in_pipedrive(
        portal, pipedrive):
    fresh(pipedrive, "persons")
    spaced = pipedrive.create("persons", name="Ann Lee", email="  Ann.Lee@Example.COM ")
    plain = pipedrive.create("persons", name="Bob Ray", email="bob@example.com")
    record = create_record(portal, "contact", {"email": "ann.lee@example.com", "phone": "111"})
    sync = make_sync(pipedrive, "persons", winner="hub")

    run(pipedrive, sync)

    assert link_of_app(sync, spaced).hub_record_id == record.pk
    assert hub_by(portal, "contact", email="bob@example.com").pk == (
        link_of_app(sync, plain).hub_record_id)
    assert pipedrive.get("persons", spaced)["phone"] == "111"
    assert len(pipedrive.all("persons")) == 2
    assert statuses(sync) == {LinkStatus.IN_SYNC: 2}


def test_companies_match_by_name_or_by_domain(portal, hubspot):
    fresh(hubspot, "companies")
    same_name = hubspot.create("companies", name="  ACME ", domain="acme-group.example")
    same_domain = hubspot.create("companies", name="Globex Corporation",
                                 domain="https://www.Globex.example/about")
    acme = create_record(portal, "company", {"name": "Acme", "domain": "acme.example"})
    globex = create_record(portal, "company", {"name": "Globex", "domain": "globex.example"})
    sync = make_sync(hubspot, "companies", winner="hub")

    run(hubspot, sync)

    assert link_of_app(sync, same_name).hub_record_id == acme.pk
    assert link_of_app(sync, same_domain).hub_record_id == globex.pk
    assert len(live(portal, "company")) == 2
    assert hubspot.get("companies", same_domain)["name"] == "Globex"


def test_organizations_match_companies_by_name_in_pipedrive_which_has_no_domain(
        portal, pipedrive):
    fresh(pipedrive, "organizations")
    same_name = pipedrive.create("organizations", name="acme  corp", website="https://a.example")
    same_site = pipedrive.create("organizations", name="Globex Group",
                                 website="https://globex.example")
    acme = create_record(portal, "company", {"name": "Acme Corp", "domain": "acme.example"})
    create_record(portal, "company", {"name": "Globex", "domain": "globex.example",
                                      "website": "https://globex.example"})
    sync = make_sync(pipedrive, "organizations", winner="hub")

    run(pipedrive, sync)

    assert link_of_app(sync, same_name).hub_record_id == acme.pk
    assert pipedrive.get("organizations", same_name)["name"] == "Acme Corp"
    assert link_of_app(sync, same_site).hub_record_id not in (None, acme.pk)
    assert len(live(portal, "company")) == 3
    assert len(pipedrive.all("organizations")) == 3


@pytest.mark.parametrize("domain_mapping", ["turned off", "not a default mapping"])
def test_company_domain_matches_only_while_it_is_an_enabled_default_mapping(
        portal, hubspot, domain_mapping):
    fresh(hubspot, "companies")
    hubspot.create("companies", name="Acme Holdings", domain="acme.example")
    create_record(portal, "company", {"name": "Acme", "domain": "acme.example"})
    sync = make_sync(hubspot, "companies")
    mapping = sync.mappings.get(hub_property="domain")
    if domain_mapping == "turned off":
        mapping.enabled = False
    else:
        mapping.is_default = False  # as if a person had mapped it by hand
    mapping.save()

    run(hubspot, sync)

    assert sorted(r.properties["name"] for r in live(portal, "company")) == [
        "Acme", "Acme Holdings"]
    assert len(hubspot.all("companies")) == 2


def test_a_website_url_never_matches_companies(portal, hubspot):
    fresh(hubspot, "companies")
    hubspot.create("companies", name="Initech LLC", website="https://initech.example")
    create_record(portal, "company", {"name": "Initech", "website": "https://initech.example",
                                      "domain": "initech.example"})
    sync = make_sync(hubspot, "companies")

    run(hubspot, sync)

    assert len(live(portal, "company")) == 2
    assert len(hubspot.all("companies")) == 2


def test_products_match_by_sku_else_by_name_even_with_the_sku_mapping_off(portal, hubspot):
    fresh(hubspot, "products")
    by_sku = hubspot.create("products", name="Widget v2", hs_sku=" w-1 ", price="12")
    by_name = hubspot.create("products", name="GADGET")
    widget = create_record(portal, "product", {"name": "Widget", "hs_sku": "W-1", "price": "10"})
    gadget = create_record(portal, "product", {"name": "Gadget", "price": "5"})
    sync = make_sync(hubspot, "products", winner="hub")
    sync.mappings.filter(hub_property="hs_sku").update(enabled=False)

    run(hubspot, sync)

    assert link_of_app(sync, by_sku).hub_record_id == widget.pk
    assert link_of_app(sync, by_name).hub_record_id == gadget.pk
    assert len(live(portal, "product")) == 2
    assert hubspot.get("products", by_sku)["price"] == "10"


def test_deals_are_never_deduplicated(portal, hubspot):
    fresh(hubspot, "deals")
    hubspot.create("deals", dealname="Big deal", dealstage="qualifiedtobuy", amount="100.00",
                   closedate="2026-03-31")
    create_record(portal, "deal", {"dealname": "Big deal", "dealstage": "qualifiedtobuy",
                                   "amount": "100", "closedate": "2026-03-31"})
    sync = make_sync(hubspot, "deals")

    run(hubspot, sync)

    assert [r.properties["dealname"] for r in live(portal, "deal")] == ["Big deal"] * 2
    deals = hubspot.all("deals").values()
    assert [(d["dealname"], d["closedate"]) for d in deals] == [("Big deal", "2026-03-31")] * 2
    assert statuses(sync) == {LinkStatus.IN_SYNC: 2}
    writes = len(app_writes(hubspot)), hub_writes(sync)
    run(hubspot, sync)
    assert (len(app_writes(hubspot)), hub_writes(sync)) == writes


def test_no_matching_always_creates(portal, hubspot):
    fresh(hubspot, "companies")
    hubspot.create("companies", name="Acme", domain="acme.example")
    create_record(portal, "company", {"name": "Acme", "domain": "acme.example"})
    sync = make_sync(hubspot, "companies", matching="none")

    run(hubspot, sync)

    assert len(live(portal, "company")) == 2
    assert len(hubspot.all("companies")) == 2
    assert statuses(sync) == {LinkStatus.IN_SYNC: 2}


def test_no_matching_on_contacts_creates_and_each_side_refuses_the_duplicate_email(
        portal, hubspot):
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ann@example.com")
    record = create_record(portal, "contact", {"email": "ANN@example.com"})
    sync = make_sync(hubspot, "contacts", matching="none")

    run(hubspot, sync)

    for link in (link_of_app(sync, app_id), link_of_hub(sync, record)):
        assert (link.status, link.error_category) == (LinkStatus.FAILED, ErrorCategory.DUPLICATE)
        assert link.error_message
    assert len(live(portal, "contact")) == 1
    assert len(hubspot.all("contacts")) == 1


def test_choose_your_fields_matches_on_that_pair_only(portal, hubspot):
    fresh(hubspot, "companies")
    same_name = hubspot.create("companies", name="Acme", phone="+1 555 0199")
    same_phone = hubspot.create("companies", name="Zenith", phone="+1 555 0100")
    acme = create_record(portal, "company", {"name": "Acme", "phone": "+1 555 0100"})
    sync = make_sync(hubspot, "companies", matching="custom",
                     match_fields=[["phone", "phone"]], winner="app")

    run(hubspot, sync)

    assert link_of_app(sync, same_phone).hub_record_id == acme.pk
    acme.refresh_from_db()
    assert acme.properties["name"] == "Zenith"
    created = link_of_app(sync, same_name)
    assert created.hub_record_id not in (None, acme.pk)
    assert len(live(portal, "company")) == 2


def test_a_hub_record_is_linked_at_most_once_and_its_second_match_is_a_duplicate(
        portal, hubspot):
    """The second app record finds a hub record already linked: creating another "Acme"
    would be the duplicate matching exists to avoid, so it fails naming that record."""
    fresh(hubspot, "companies")
    first = hubspot.create("companies", name="Acme", city="Lisbon")
    second = hubspot.create("companies", name="ACME", city="Porto")
    acme = create_record(portal, "company", {"name": "Acme"})
    sync = make_sync(hubspot, "companies")

    run(hubspot, sync)

    assert link_of_app(sync, first).hub_record_id == acme.pk
    duplicate = link_of_app(sync, second)
    assert (duplicate.status, duplicate.error_category, duplicate.hub_record_id) == (
        LinkStatus.FAILED, ErrorCategory.DUPLICATE, None)
    assert duplicate.candidates == {"hub": [acme.pk]}
    assert "linked to another record" in duplicate.error_message
    assert len(live(portal, "company")) == 1
    assert len(hubspot.all("companies")) == 2


def test_two_hub_records_sharing_the_identifier_fail_the_app_record_as_a_duplicate(
        portal, hubspot):
    """Hub contacts cannot share an email (one live contact per email), so two share a
    phone, the sync's chosen identifier: nothing is linked or created on either side."""
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ana@x.example", phone="555 0100")
    older = create_record(portal, "contact", {"email": "ana@y.example", "phone": "555 0100"})
    newer = create_record(portal, "contact", {"email": "ana@z.example", "phone": " 555 0100"})
    sync = make_sync(hubspot, "contacts", matching="custom", match_fields=[["phone", "phone"]])

    run(hubspot, sync)

    link = link_of_app(sync, app_id)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, ErrorCategory.DUPLICATE)
    assert link.candidates == {"hub": [older.pk, newer.pk]}
    assert "2 records share phone “555 0100”" in link.error_message
    (failed,) = [h for h in history(link) if "failed" in h.all_actions]
    assert "2 records share" in failed.reason
    # The two hub records are not guessed at from the hub side either.
    for record in (older, newer):
        hub_link = link_of_hub(sync, record)
        assert (hub_link.status, hub_link.error_category, hub_link.candidates) == (
            LinkStatus.FAILED, ErrorCategory.DUPLICATE, {"app": [app_id]})
    assert len(live(portal, "contact")) == 2
    assert len(hubspot.all("contacts")) == 1


def test_a_company_whose_name_finds_one_record_and_domain_another_is_a_duplicate(
        portal, hubspot):
    fresh(hubspot, "companies")
    app_id = hubspot.create("companies", name="Acme", domain="acme.example")
    by_name = create_record(portal, "company", {"name": "ACME"})
    by_domain = create_record(portal, "company", {"name": "Acme Group",
                                                  "domain": "www.acme.example"})
    sync = make_sync(hubspot, "companies")

    run(hubspot, sync)

    link = link_of_app(sync, app_id)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, ErrorCategory.DUPLICATE)
    assert link.candidates == {"hub": [by_name.pk, by_domain.pk]}
    assert len(live(portal, "company")) == 2
    assert len(hubspot.all("companies")) == 1


def test_a_fallback_pair_links_when_the_first_finds_nothing_and_history_says_by_which(
        portal, hubspot):
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ana@work.example", phone="555 0100",
                            firstname="Ana")
    record = create_record(portal, "contact", {"email": "ana@home.example",
                                               "phone": "555 0100"})
    sync = make_sync(hubspot, "contacts", matching="custom",
                     match_fields=[["email", "email"], ["phone", "phone"]])

    run(hubspot, sync)

    link = link_of_app(sync, app_id)
    assert (link.status, link.hub_record_id) == (LinkStatus.IN_SYNC, record.pk)
    (linked,) = [h for h in history(link) if "linked" in h.all_actions]
    assert "matched by phone “555 0100” (email found no record)" in linked.reason
    assert len(live(portal, "contact")) == 1


def test_the_first_pair_that_finds_anything_decides_even_if_a_later_one_is_unique(
        portal, hubspot):
    fresh(hubspot, "companies")
    app_id = hubspot.create("companies", name="Acme", phone="555 0100")
    create_record(portal, "company", {"name": "Acme", "city": "Lisbon"})
    create_record(portal, "company", {"name": "acme", "city": "Porto"})
    create_record(portal, "company", {"name": "Acme Group", "phone": "555 0100"})
    sync = make_sync(hubspot, "companies", matching="custom",
                     match_fields=[["name", "name"], ["phone", "phone"]])

    run(hubspot, sync)

    link = link_of_app(sync, app_id)
    assert (link.status, link.error_category) == (LinkStatus.FAILED, ErrorCategory.DUPLICATE)
    assert len(link.candidates["hub"]) == 2
    assert len(live(portal, "company")) == 3
    # "Acme Group" is a record of its own (its name finds nothing): created in the app.
    assert sorted(c["name"] for c in hubspot.all("companies").values()) == [
        "Acme", "Acme Group"]


def test_products_match_by_name_only_when_the_sku_finds_nothing(portal, hubspot):
    fresh(hubspot, "products")
    by_sku = hubspot.create("products", name="Gadget", hs_sku="W-1")
    widget = create_record(portal, "product", {"name": "Widget", "hs_sku": "w-1"})
    create_record(portal, "product", {"name": "Gadget"})
    sync = make_sync(hubspot, "products")

    run(hubspot, sync)

    assert link_of_app(sync, by_sku).hub_record_id == widget.pk


def test_a_hub_record_meeting_several_waiting_app_records_fails_as_a_duplicate(
        portal, hubspot):
    fresh(hubspot, "companies")
    # Excluded by the app-side filter, both wait by their name for a hub record.
    first = hubspot.create("companies", name="Acme", city="Porto")
    second = hubspot.create("companies", name="ACME", city="Braga")
    sync = make_sync(hubspot, "companies")
    SyncFilter.objects.create(object_sync=sync, side="app", field="city", operator="is",
                              value="Lisbon")
    run(hubspot, sync)
    acme = create_record(portal, "company", {"name": "Acme", "city": "Lisbon"})

    run(hubspot, sync)

    link = link_of_hub(sync, acme)
    assert (link.status, link.error_category, link.app_id) == (
        LinkStatus.FAILED, ErrorCategory.DUPLICATE, None)
    assert sorted(link.candidates["app"]) == sorted([first, second])
    assert link_of_app(sync, second).status == LinkStatus.EXCLUDED
    assert len(hubspot.all("companies")) == 2


def test_a_link_survives_later_changes_of_the_email(portal, hubspot):
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ann@example.com")
    record = create_record(portal, "contact", {"email": "ann@example.com"})
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)

    hubspot.update("contacts", app_id, email="ann@newjob.example")
    run(hubspot, sync)
    record.refresh_from_db()
    assert record.properties["email"] == "ann@newjob.example"

    update_record(record, {"email": "ann.lee@newjob.example"})
    run(hubspot, sync)
    assert hubspot.get("contacts", app_id)["email"] == "ann.lee@newjob.example"
    assert link_of_hub(sync, record).app_id == app_id
    assert len(live(portal, "contact")) == 1
    assert len(hubspot.all("contacts")) == 1
    assert statuses(sync) == {LinkStatus.IN_SYNC: 1}


def test_a_mapping_that_is_not_the_identifier_never_matches(portal, hubspot):
    """Matching is independent of mappings: a mapped field is not an identifier."""
    fresh(hubspot, "contacts")
    hubspot.create("contacts", email="ann@example.com", phone="111")
    create_record(portal, "contact", {"email": "ann.lee@example.com", "phone": "111"})
    sync = make_sync(hubspot, "contacts")
    FieldMapping.objects.filter(object_sync=sync).exclude(hub_property="phone").update(
        enabled=False)

    run(hubspot, sync)

    assert len(live(portal, "contact")) == 2
