"""First end-to-end: an initial two-way contact sync and a quiet incremental run."""

import pytest

from syncapp.crm.models import ChangeLogEntry, Record
from syncapp.crm.services import create_record
from syncapp.syncs.models import Link, LinkStatus
from tests.kits.engine import make_sync, run

pytestmark = pytest.mark.django_db(transaction=True)


def test_initial_two_way_sync_matches_merges_and_creates(portal, hubspot):
    hubspot.clear("contacts")
    both = hubspot.create("contacts", email="Ann@Example.com", firstname="Ann", phone="111")
    only_app = hubspot.create("contacts", email="bob@example.com", firstname="Bob")
    create_record(portal, "contact", {"email": "ann@example.com", "phone": "999",
                                      "lastname": "Lee"})
    create_record(portal, "contact", {"email": "cy@example.com", "firstname": "Cy"})
    sync = make_sync(hubspot, "contacts", winner="hub")

    run(hubspot, sync)

    statuses = sorted(Link.objects.filter(object_sync=sync).values_list("status", flat=True))
    assert statuses == [LinkStatus.IN_SYNC] * 3, list(Link.objects.values())
    ann_app = hubspot.get("contacts", both)
    assert ann_app["phone"] == "999"  # hub wins the conflict
    assert ann_app["lastname"] == "Lee"  # the empty app side is filled
    ann_hub = Record.objects.get(email_key="ann@example.com")
    assert ann_hub.properties["firstname"] == "Ann"  # the empty hub side is filled
    assert Record.objects.filter(email_key="bob@example.com").exists()
    emails = {v.get("email") for v in hubspot.all("contacts").values()}
    assert "cy@example.com" in emails
    assert only_app in hubspot.all("contacts")

    # Left alone, a two-way sync writes nothing.
    writes_before = ChangeLogEntry.objects.count()
    calls_before = [c for c in hubspot.sandbox.calls if c[1] != "GET"]
    run(hubspot, sync)
    assert ChangeLogEntry.objects.count() == writes_before
    calls_after = [c for c in hubspot.sandbox.calls if c[1] != "GET"]
    assert len([c for c in calls_after if "search" not in c[2]]) == len(
        [c for c in calls_before if "search" not in c[2]])


def test_the_record_page_shows_what_the_sync_changed_and_why(portal, hubspot, admin_client):
    hubspot.clear("contacts")
    hubspot.create("contacts", email="dee@example.com", firstname="Dee", phone="555")
    record = create_record(portal, "contact", {"email": "dee@example.com", "phone": "777"})
    sync = make_sync(hubspot, "contacts", winner="app")
    run(hubspot, sync)
    page = admin_client.get(f"/crm/contact/{record.pk}/").content.decode()
    assert "Sync history" in page
    assert "the app wins conflicts" in page
    assert "777" in page
    assert "555" in page
