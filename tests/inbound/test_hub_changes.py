"""A hub change starts the syncs of its object type once it commits, debounced; the
sync that wrote it is left out, and a change rolled back starts nothing."""

import pytest
from django.db import transaction

from syncapp.crm import bulk
from syncapp.crm.services import Actor, create_record, update_record
from tests.kits.inbound import forget_debounce, make_connection, make_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def syncs(portal):
    """Contacts synced with two Pipedrive accounts, and companies with one."""
    first, second = make_connection(portal, "1001"), make_connection(portal, "1002")
    contacts = make_sync(first, "persons"), make_sync(second, "persons")
    companies = make_sync(first, "organizations")
    forget_debounce(*contacts, companies)
    return contacts, companies


def test_a_persons_edit_starts_the_syncs_of_its_type_after_commit(
        portal, syncs, broker, django_capture_on_commit_callbacks):
    (first, second), _companies = syncs
    with django_capture_on_commit_callbacks(execute=True):
        contact = create_record(portal, "contact", {"email": "ada@example.com"})
        assert broker() == []  # nothing before the commit
    assert sorted(broker()) == sorted([(first.pk, False), (second.pk, False)])
    with django_capture_on_commit_callbacks(execute=True):
        update_record(contact, {"firstname": "Ada"})
    # Within the window: each sync gets one more run, at the window's end.
    assert sorted(broker()) == sorted([(first.pk, False), (second.pk, False),
                                       (first.pk, True), (second.pk, True)])


def test_a_syncs_own_write_starts_only_the_others(
        portal, syncs, broker, django_capture_on_commit_callbacks):
    (first, second), _companies = syncs
    with django_capture_on_commit_callbacks(execute=True):
        bulk.create_many(portal, "contact", [{"email": "grace@example.com"}],
                         Actor(object_sync_id=first.pk))
    assert broker() == [(second.pk, False)]


def test_a_sync_still_in_its_initial_sync_is_left_alone(
        portal, syncs, broker, django_capture_on_commit_callbacks):
    (first, second), _companies = syncs
    first.initial_done = False
    first.save()
    with django_capture_on_commit_callbacks(execute=True):
        create_record(portal, "contact", {"email": "ada@example.com"})
    assert broker() == [(second.pk, False)]


def test_a_change_rolled_back_starts_nothing(portal, syncs, broker,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), \
            pytest.raises(RuntimeError), transaction.atomic():
        create_record(portal, "contact", {"email": "gone@example.com"})
        raise RuntimeError("rolled back")
    assert broker() == []


def test_with_real_time_switched_off_changes_wait_for_the_poll(
        portal, syncs, broker, settings, django_capture_on_commit_callbacks):
    settings.INBOUND_REAL_TIME = False
    with django_capture_on_commit_callbacks(execute=True):
        create_record(portal, "contact", {"email": "ada@example.com"})
    assert broker() == []
