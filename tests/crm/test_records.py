"""Writes to hub records: logging, identifiers, soft delete and restore, associations."""

import pytest

from syncapp.crm.models import Association, ChangeLogEntry, Record
from syncapp.crm.services import (
    Actor,
    RecordInvalid,
    archive_record,
    associate,
    create_record,
    restore_record,
    update_record,
)

pytestmark = pytest.mark.django_db


def test_every_write_is_logged_with_old_and_new_values_and_author(portal, admin):
    actor = Actor(user=admin.user)
    contact = create_record(portal, "contact", {"email": "a@acme.test", "phone": "555 0100"}, actor)
    update_record(contact, {"phone": "555 0199", "firstname": "Ana"}, actor)
    update_record(contact, {"phone": ""}, Actor(object_sync_id=7))

    entries = list(ChangeLogEntry.objects.filter(record=contact).order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert entries[1].changes == {"firstname": [None, "Ana"], "phone": ["555 0100", "555 0199"]}
    assert entries[1].user == admin.user
    assert entries[2].changes == {"phone": ["555 0199", None]}
    assert entries[2].object_sync_id == 7


def test_a_deleted_users_changes_stay_logged_under_no_name(portal, admin):
    """The database does not check the change log's author (each entry is written with
    its record): deleting the user still clears it, and keeps the entries."""
    contact = create_record(portal, "contact", {"email": "a@acme.test"}, Actor(user=admin.user))
    update_record(contact, {"firstname": "Ana"}, Actor(user=admin.user))

    admin.user.delete()

    entries = list(ChangeLogEntry.objects.filter(record=contact).order_by("id"))
    assert [(e.action, e.user_id) for e in entries] == [("create", None), ("update", None)]
    assert entries[1].changes == {"firstname": [None, "Ana"]}


def test_unchanged_update_writes_nothing(portal):
    contact = create_record(portal, "contact", {"email": "a@acme.test", "firstname": "Ana"})
    assert update_record(contact, {"firstname": "Ana"}) == {}
    assert ChangeLogEntry.objects.filter(record=contact).count() == 1


def test_identifier_keys_are_normalised_for_matching(portal):
    contact = create_record(portal, "contact", {"email": "  Ana.Silva@Example.COM "})
    company = create_record(
        portal, "company", {"name": "  Acme   Corp ", "domain": "https://www.Acme.com/about"}
    )
    product = create_record(portal, "product", {"name": "Widget", "hs_sku": " WG-01 "})
    assert contact.email_key == "ana.silva@example.com"
    assert (company.name_key, company.domain_key) == ("acme corp", "acme.com")
    assert (product.sku_key, product.name_key) == ("wg-01", "widget")


def test_soft_delete_keeps_data_and_restore_brings_it_back(portal):
    contact = create_record(portal, "contact", {"email": "a@acme.test", "firstname": "Ana"})
    archive_record(contact)
    assert not Record.objects.live().filter(pk=contact.pk).exists()
    assert Record.objects.archived().get(pk=contact.pk).properties["firstname"] == "Ana"

    restore_record(contact)
    restored = Record.objects.live().get(pk=contact.pk)
    assert restored.properties == {"email": "a@acme.test", "firstname": "Ana"}
    entries = ChangeLogEntry.objects.filter(record=contact).order_by("pk")
    actions = list(entries.values_list("action", flat=True))
    assert actions == ["create", "archive", "restore"]


def test_archived_email_can_be_reused_but_then_blocks_restore(portal):
    first = create_record(portal, "contact", {"email": "a@acme.test"})
    archive_record(first)
    create_record(portal, "contact", {"email": "A@acme.test"})
    with pytest.raises(RecordInvalid) as raised:
        restore_record(first)
    assert "already uses this email" in raised.value.errors["email"]
    assert Record.objects.get(pk=first.pk).archived_at is not None


def test_same_email_in_two_portals_is_fine(portal, other_portal):
    create_record(portal, "contact", {"email": "a@acme.test"})
    create_record(other_portal, "contact", {"email": "a@acme.test"})
    assert Record.objects.filter(email_key="a@acme.test").count() == 2


def test_first_company_is_primary_and_a_new_primary_replaces_it(portal):
    contact = create_record(portal, "contact", {"email": "a@acme.test"})
    acme = create_record(portal, "company", {"name": "Acme"})
    globex = create_record(portal, "company", {"name": "Globex"})
    associate(contact, acme)
    associate(globex, contact)  # either order; stored as contact -> company
    assert Association.objects.get(to_record=acme).is_primary
    assert not Association.objects.get(to_record=globex).is_primary

    associate(contact, globex, primary=True)
    assert Association.objects.get(to_record=globex).is_primary
    assert not Association.objects.get(to_record=acme).is_primary


def test_nonsense_association_is_refused(portal):
    product = create_record(portal, "product", {"name": "Widget"})
    company = create_record(portal, "company", {"name": "Acme"})
    with pytest.raises(RecordInvalid):
        associate(product, company)
    assert not Association.objects.exists()


def test_association_across_portals_is_refused(portal, other_portal):
    contact = create_record(portal, "contact", {"email": "a@acme.test"})
    foreign = create_record(other_portal, "company", {"name": "Globex"})
    with pytest.raises(RecordInvalid):
        associate(contact, foreign)
    assert not Association.objects.exists()
