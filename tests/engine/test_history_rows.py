"""A record's history: one row per batch that changed it, holding both sides' field
diffs and the rule that decided each field (what undo reads back, issue 5/8)."""

import pytest
from django.urls import reverse

from syncapp.crm.services import create_record
from syncapp.syncs.models import HistoryEntry
from tests.kits.engine import make_sync, run
from tests.kits.observe import fresh, history, link_of_hub

pytestmark = pytest.mark.django_db(transaction=True)


def _matched_and_merged(portal, hubspot):
    """Ann in both, each side with a field the other lacks and one conflict (hub wins)."""
    fresh(hubspot, "contacts")
    hubspot.create("contacts", email="ann@example.com", phone="111", firstname="Ann")
    record = create_record(portal, "contact", {"email": "ann@example.com", "phone": "999",
                                                "jobtitle": "CFO"})
    sync = make_sync(hubspot, "contacts", winner="hub")
    run(hubspot, sync)
    return sync, record


def test_a_batch_that_links_and_updates_both_sides_writes_one_row(portal, hubspot):
    sync, record = _matched_and_merged(portal, hubspot)

    (row,) = history(link_of_hub(sync, record))
    assert (row.action, row.actions, row.side) == ("updated", ["linked", "updated"], "both")
    assert row.reason == "matched by email “ann@example.com”"
    assert row.changes["hub"]["firstname"] == [
        None, "Ann", "filled from the app (empty in Syncapp)"]
    assert row.changes["app"]["phone"] == ["111", "999", "both had values; Syncapp wins conflicts"]
    assert row.changes["app"]["jobtitle"] == [
        None, "CFO", "filled from Syncapp (empty in the app)"]


def test_the_record_pages_show_each_sides_fields_with_their_rules(
        portal, hubspot, ops_client, admin_client):
    sync, record = _matched_and_merged(portal, hubspot)
    link = link_of_hub(sync, record)

    page = ops_client.get(reverse("health:history", args=["hubspot", link.pk]))
    html = page.content.decode()
    assert "Linked, Updated" in html
    assert "<del>111</del>" in html and "999" in html
    assert "both had values; Syncapp wins conflicts" in html
    assert "filled from the app (empty in Syncapp)" in html

    html = admin_client.get(reverse("crm:detail", args=["contact", record.pk])).content.decode()
    history_part = html.split('id="sync-history"', 1)[1]
    assert "Linked, Updated" in history_part
    assert "both had values; Syncapp wins conflicts" in history_part


def test_a_row_of_the_old_shape_still_reads(portal, hubspot, ops_client):
    sync, record = _matched_and_merged(portal, hubspot)
    link = link_of_hub(sync, record)
    old = HistoryEntry.objects.create(
        portal_id=portal.pk, link=link, side="app", action="updated",
        changes={"city": ["Porto", "Lisbon"]}, reason="changed in Syncapp")

    assert old.all_actions == ["updated"]
    assert old.diffs() == [("app", "city", "Porto", "Lisbon", "changed in Syncapp")]
    html = ops_client.get(reverse("health:history", args=["hubspot", link.pk])).content.decode()
    assert "<del>Porto</del>" in html and "Lisbon" in html


def test_a_created_record_row_keeps_its_cause_once_not_in_every_field(portal, hubspot):
    fresh(hubspot, "contacts")
    record = create_record(portal, "contact", {"email": "bob@example.com", "firstname": "Bob"})
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)

    (row,) = history(link_of_hub(sync, record))
    assert (row.action, row.actions, row.side) == ("created", ["created"], "app")
    assert row.reason == "no matching record in the app"
    assert row.changes["app"]["firstname"] == [None, "Bob"]
    assert ("app", "firstname", None, "Bob", "no matching record in the app") in row.diffs()
