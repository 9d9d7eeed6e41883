"""The CRM pages as a member uses them: lists, record pages, forms, delete and restore."""

import html

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from syncapp.crm.models import ChangeLogEntry, Record
from syncapp.crm.queries import page_queryset
from syncapp.crm.services import (
    archive_record,
    bulk_create_records,
)
from tests.crm.kit import assert_error_beside, contact, field_block, form_data, next_link, row_ids

# --- lists ---------------------------------------------------------------------------


@pytest.fixture
def many_contacts(portal):
    rows = [
        {"firstname": f"Person {i:03d}", "email": f"person{i:03d}@example.test"}
        for i in range(120)
    ]
    return bulk_create_records(portal, "contact", rows)


def test_list_pages_through_120_contacts_fifty_at_a_time_without_repeats(
    admin_client, many_contacts
):
    first = admin_client.get(reverse("crm:list", args=["contact"]))
    assert first.status_code == 200
    assert "120 records" in first.content.decode()
    page1 = row_ids(first)
    assert len(page1) == 50

    second = admin_client.get(next_link(first))
    page2 = row_ids(second)
    assert len(page2) == 50

    third = admin_client.get(next_link(second))
    page3 = row_ids(third)
    assert len(page3) == 20
    assert next_link(third) is None

    seen = page1 + page2 + page3
    assert len(set(seen)) == 120
    assert set(seen) == {r.pk for r in many_contacts}
    names = [Record.objects.get(pk=pk).sort_key for pk in seen]
    assert names == sorted(names)


def test_list_sorted_by_name_descending_and_by_created(admin_client, many_contacts):
    url = reverse("crm:list", args=["contact"])
    descending = row_ids(admin_client.get(url, {"sort": "name", "dir": "desc"}))
    assert Record.objects.get(pk=descending[0]).display_name == "Person 119"

    newest = row_ids(admin_client.get(url, {"sort": "created", "dir": "desc"}))
    assert newest[0] == max(r.pk for r in many_contacts)
    oldest_page2 = row_ids(
        admin_client.get(next_link(admin_client.get(url, {"sort": "created"})))
    )
    assert oldest_page2 == sorted(r.pk for r in many_contacts)[50:100]


def test_list_follows_updated_order_across_pages(admin_client, many_contacts):
    url = reverse("crm:list", args=["contact"])
    first = admin_client.get(url, {"sort": "updated", "dir": "desc"})
    second = admin_client.get(next_link(first))
    assert not set(row_ids(first)) & set(row_ids(second))
    assert len(row_ids(second)) == 50


def test_list_never_uses_offset(portal, many_contacts):
    queryset = page_queryset(portal, "contact", after=f"{many_contacts[10].pk}:person 010")
    sql = str(queryset.query).upper()
    assert "OFFSET" not in sql
    assert "LIMIT 51" in sql


@override_settings(CRM_COUNT_CAP=100)
def test_list_count_stops_at_the_cap(admin_client, many_contacts):
    response = admin_client.get(reverse("crm:list", args=["contact"]))
    assert "100+ records" in response.content.decode()


def test_search_finds_by_name_prefix_and_by_email_prefix(admin_client, portal, many_contacts):
    contact(portal, "Zelda", "zfitz@example.test")
    contact(portal, "Yuri", "hello@zed.test")
    url = reverse("crm:list", args=["contact"])

    by_name = admin_client.get(url, {"q": "person 11"})
    names = {Record.objects.get(pk=pk).display_name for pk in row_ids(by_name)}
    assert names == {f"Person {i}" for i in range(110, 120)}

    by_email = admin_client.get(url, {"q": "HELLO@"})
    assert [Record.objects.get(pk=pk).display_name for pk in row_ids(by_email)] == ["Yuri"]

    nothing = admin_client.get(url, {"q": "nobody"})
    assert row_ids(nothing) == []
    assert "No contacts match" in nothing.content.decode()


def test_search_by_htmx_returns_only_the_table(admin_client, portal):
    contact(portal, "Zelda", "zelda@example.test")
    response = admin_client.get(
        reverse("crm:list", args=["contact"]), {"q": "zel"},
        headers={"HX-Request": "true", "HX-Target": "record-table"},
    )
    content = response.content.decode()
    assert "<html" not in content
    assert "Zelda" in content
    assert 'id="list-state" hidden hx-swap-oob="true"' in content
    assert "HX-Request" in response["Vary"]


def test_list_shows_option_labels_not_values(admin_client, portal):
    contact(portal, "Ada", "ada@example.test", lifecyclestage="salesqualifiedlead")
    content = admin_client.get(reverse("crm:list", args=["contact"])).content.decode()
    assert "Sales qualified lead" in content
    assert "salesqualifiedlead" not in content


def test_unknown_object_type_is_404(admin_client):
    assert admin_client.get("/crm/spaceships/").status_code == 404


def test_user_data_is_escaped(admin_client, portal):
    record = contact(portal, "<script>alert(1)</script>", "x@example.test")
    for url in (reverse("crm:list", args=["contact"]),
                reverse("crm:detail", args=["contact", record.pk])):
        content = admin_client.get(url).content.decode()
        assert "<script>alert(1)" not in content
        assert "&lt;script&gt;alert(1)" in content


# --- create and edit ------------------------------------------------------------------


def test_create_contact_then_see_it_with_its_history(admin_client, portal, admin):
    response = admin_client.post(
        reverse("crm:create", args=["contact"]),
        form_data(firstname="Ada", lastname="Lovelace", email="ada@example.test",
                  lifecyclestage="lead", date_of_birth="1815-12-10", hs_email_optout="on"),
    )
    record = Record.objects.get(portal=portal, email_key="ada@example.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("crm:detail", args=["contact", record.pk])
    assert record.properties["hs_email_optout"] == "true"
    assert record.properties["date_of_birth"] == "1815-12-10"

    page = admin_client.get(response["Location"]).content.decode()
    assert "Ada Lovelace" in page
    assert "Created" in page
    assert "admin@acme.test" in page  # who
    assert "Lead" in page


def test_edit_contact_records_old_and_new_values(admin_client, portal):
    record = contact(portal, "Ada", "ada@example.test", lastname="Byron")
    url = reverse("crm:edit", args=["contact", record.pk])
    form = admin_client.get(url)
    assert 'value="Byron"' in form.content.decode()

    admin_client.post(url, form_data(firstname="Ada", lastname="Lovelace",
                                     email="ada@example.test"))
    record.refresh_from_db()
    assert record.display_name == "Ada Lovelace"

    page = admin_client.get(reverse("crm:detail", args=["contact", record.pk]))
    history = page.content.decode().split("Change history", 1)[1]
    assert "Updated" in history
    assert "<del>Byron</del>" in history
    assert "Lovelace" in history


def test_record_page_groups_properties_with_labels(admin_client, portal):
    record = contact(portal, "Ada", "ada@example.test", city="London")
    content = admin_client.get(reverse("crm:detail", args=["contact", record.pk])).content
    content = content.decode()
    assert "Address" in content
    assert "City" in content
    assert "London" in content
    assert "Lifecycle stage" in content


BAD_INPUTS = [
    ("contact", {"firstname": "Ada", "email": "not-an-email"}, "email",
     "Enter a valid email address, such as name@example.com."),
    ("company", {"name": "Acme", "numberofemployees": "lots"}, "numberofemployees",
     "Enter a number for “Number of employees”, such as 1250 or 99.90."),
    ("contact", {"firstname": "Ada", "lifecyclestage": "bogus"}, "lifecyclestage",
     "“bogus” is not one of the options of Lifecycle stage."),
    ("contact", {"firstname": "Ada", "date_of_birth": "31/12/1815"}, "date_of_birth",
     "Enter a date as YYYY-MM-DD, such as 2024-03-31."),
]


@pytest.mark.parametrize("case", BAD_INPUTS,
                         ids=["invalid-email", "text-in-number", "unknown-option", "bad-date"])
def test_create_with_bad_input_shows_message_by_the_field_and_saves_nothing(
    admin_client, portal, case
):
    object_type, values, field, message = case
    records, changes = Record.objects.count(), ChangeLogEntry.objects.count()
    response = admin_client.post(reverse("crm:create", args=[object_type]), form_data(**values))
    assert response.status_code == 400
    assert_error_beside(response, field, message)
    assert "Nothing was saved." in response.content.decode()
    if field != "lifecyclestage":  # a select cannot show an option it does not have
        assert f'value="{html.escape(values[field])}"' in field_block(response, field)
    assert Record.objects.count() == records
    assert ChangeLogEntry.objects.count() == changes


def test_create_with_duplicate_email_shows_message_and_saves_nothing(admin_client, portal):
    contact(portal, "Ada", "ada@example.test", lastname="Lovelace")
    records = Record.objects.count()
    response = admin_client.post(
        reverse("crm:create", args=["contact"]),
        form_data(firstname="Other", email=" ADA@example.test "),
    )
    assert_error_beside(
        response, "email", "Another contact already uses this email address: Ada Lovelace."
    )
    assert 'value="Other"' in field_block(response, "firstname")
    assert Record.objects.count() == records


def test_edit_with_bad_input_changes_nothing(admin_client, portal):
    record = contact(portal, "Ada", "ada@example.test")
    before, changes = dict(record.properties), ChangeLogEntry.objects.count()
    response = admin_client.post(
        reverse("crm:edit", args=["contact", record.pk]),
        form_data(firstname="Changed", email="ada@", date_of_birth="yesterday"),
    )
    assert_error_beside(response, "email",
                        "Enter a valid email address, such as name@example.com.")
    assert_error_beside(response, "date_of_birth",
                        "Enter a date as YYYY-MM-DD, such as 2024-03-31.")
    assert 'value="Changed"' in field_block(response, "firstname")
    record.refresh_from_db()
    assert record.properties == before
    assert ChangeLogEntry.objects.count() == changes


def test_edit_to_duplicate_email_changes_nothing(admin_client, portal):
    contact(portal, "Ada", "ada@example.test")
    grace = contact(portal, "Grace", "grace@example.test")
    response = admin_client.post(
        reverse("crm:edit", args=["contact", grace.pk]),
        form_data(firstname="Grace", email="ada@example.test"),
    )
    assert_error_beside(response, "email",
                        "Another contact already uses this email address: Ada.")
    grace.refresh_from_db()
    assert grace.properties["email"] == "grace@example.test"


# --- delete and restore ------------------------------------------------------------------


def test_delete_offers_undo_and_restore_brings_it_back(admin_client, portal):
    record = contact(portal, "Ada", "ada@example.test")
    response = admin_client.post(reverse("crm:delete", args=["contact", record.pk]),
                                 follow=True)
    record.refresh_from_db()
    assert record.is_archived
    content = response.content.decode()
    assert "Deleted Ada." in content
    restore_url = reverse("crm:restore", args=["contact", record.pk])
    assert f'action="{restore_url}"' in content  # the Undo button
    assert row_ids(response) == []

    deleted_view = admin_client.get(reverse("crm:list", args=["contact"]), {"view": "deleted"})
    assert row_ids(deleted_view) == [record.pk]
    assert "Restore" in deleted_view.content.decode()

    banner = admin_client.get(reverse("crm:detail", args=["contact", record.pk]))
    assert "banner-danger" in banner.content.decode()

    restored = admin_client.post(restore_url, follow=True)
    record.refresh_from_db()
    assert not record.is_archived
    assert "Restored Ada." in restored.content.decode()


def test_restore_blocked_by_duplicate_email_shows_why(admin_client, portal):
    old = contact(portal, "Ada", "ada@example.test")
    archive_record(old)
    contact(portal, "New Ada", "ada@example.test")
    response = admin_client.post(reverse("crm:restore", args=["contact", old.pk]), follow=True)
    assert response.status_code == 200
    assert "Another contact already uses this email address: New Ada." in (
        response.content.decode()
    )
    old.refresh_from_db()
    assert old.is_archived


def test_edit_of_deleted_record_redirects_to_its_page(admin_client, portal):
    record = contact(portal, "Ada", "ada@example.test")
    archive_record(record)
    response = admin_client.get(reverse("crm:edit", args=["contact", record.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["delete", "restore", "associate"])
def test_mutating_urls_refuse_get(admin_client, portal, name):
    record = contact(portal, "Ada", "ada@example.test")
    assert admin_client.get(reverse(f"crm:{name}", args=["contact", record.pk])).status_code == 405


def test_dissociate_refuses_get(admin_client, portal):
    record = contact(portal, "Ada", "ada@example.test")
    url = reverse("crm:dissociate", args=["contact", record.pk, record.pk])
    assert admin_client.get(url).status_code == 405


def test_posts_need_csrf(admin, portal):
    record = contact(portal, "Ada", "ada@example.test")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    response = client.post(reverse("crm:delete", args=["contact", record.pk]))
    assert response.status_code == 403
    record.refresh_from_db()
    assert not record.is_archived
