"""Associations follow their records when syncs of both object types run."""

import pytest

from connectors.sdk import AssociationRecord
from syncapp.crm.models import Association, Record
from syncapp.crm.services import associate, create_record
from tests.kits.engine import make_sync, run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def both_sides(portal, hubspot):
    hubspot.clear("contacts")
    hubspot.clear("companies")
    acme = create_record(portal, "company", {"name": "Acme", "domain": "acme.com"})
    ann = create_record(portal, "contact", {"email": "ann@acme.com"})
    associate(ann, acme)
    globex = hubspot.create("companies", name="Globex", domain="globex.com")
    bob = hubspot.create("contacts", email="bob@globex.com")
    hubspot.connector().write_associations(
        "contacts", "companies", [AssociationRecord(bob, globex, primary=True)])
    return hubspot, bob, globex


def _app_company_of(app, contact_id: str) -> set[str]:
    found = app.connector().read_associations("contacts", [contact_id], "companies")
    return {a.to_id for a in found}


def assert_associated_on_both_sides(app) -> None:
    """Bob got Globex in the hub, and Ann got Acme in the app."""
    bob_hub = Record.objects.get(email_key="bob@globex.com")
    globex_hub = Record.objects.get(name_key="globex")
    assert Association.objects.filter(from_record=bob_hub, to_record=globex_hub,
                                      is_primary=True).exists()
    ann_app = next(i for i, v in app.all("contacts").items() if v.get("email") == "ann@acme.com")
    acme_app = next(i for i, v in app.all("companies").items() if v.get("name") == "Acme")
    assert _app_company_of(app, ann_app) == {acme_app}


def test_contact_company_associations_sync_both_ways_once_both_syncs_run(portal, both_sides):
    app, bob, globex = both_sides
    contacts = make_sync(app, "contacts")
    companies = make_sync(app, "companies")
    run(app, contacts)  # companies are not linked yet: associations wait
    run(app, companies)
    run(app, contacts)  # ... and are retried now

    assert_associated_on_both_sides(app)
    assert _app_company_of(app, bob) == {globex}


def test_associations_are_not_kept_without_a_sync_of_the_other_object(portal, both_sides):
    app, _bob, _globex = both_sides
    contacts = make_sync(app, "contacts")
    run(app, contacts)
    bob_hub = Record.objects.get(email_key="bob@globex.com")
    assert not Association.objects.filter(from_record=bob_hub).exists()
    ann_app = next(i for i, v in app.all("contacts").items() if v.get("email") == "ann@acme.com")
    assert _app_company_of(app, ann_app) == set()


def test_a_company_sync_set_up_later_brings_the_contacts_associations(portal, both_sides):
    """The help article's order: contacts first, companies another day. The contacts
    linked before then get their companies on both sides once the companies sync runs."""
    app, _bob, _globex = both_sides
    contacts = make_sync(app, "contacts")
    run(app, contacts)  # no companies sync: nothing to keep, nothing waits
    companies = make_sync(app, "companies")
    run(app, companies)
    contacts.refresh_from_db()
    assert contacts.associations_after == 0  # the contacts sync is asked to walk again
    run(app, contacts)

    assert_associated_on_both_sides(app)
    contacts.refresh_from_db()
    assert contacts.associations_after is None  # the walk is over
