"""Bad input is refused whole, with a clear message; nothing is half-saved."""

import pytest
from django.urls import reverse

from syncapp.crm.models import PropertyDefinition
from syncapp.syncs.models import FieldMapping, ObjectSync, SyncFilter, SyncState
from tests.syncs.kit import (
    CONFIGURE,
    lead_source_mapping,
    messages_of,
    page,
    post_step,
    start,
    text_of,
    token_of,
    url,
)

pytestmark = pytest.mark.django_db


def keys(sync, *, without=()) -> list[str]:
    return [f"{m.app_field}|{m.hub_property}" for m in sync.mappings.all()
            if m.hub_property not in without]


def test_a_form_opened_before_someone_else_saved_is_refused(admin_client, connection):
    sync = start(admin_client, connection)
    first_tab = token_of(page(admin_client, "configure", sync))
    second_tab = token_of(page(admin_client, "configure", sync))
    post_step(admin_client, "configure", sync, {**CONFIGURE, "winner": "app"}, token=second_tab)

    response = post_step(admin_client, "configure", sync, {**CONFIGURE, "direction": "to_hub"},
                         token=first_tab)

    assert response.status_code == 302
    assert response["Location"] == url("configure", sync)
    assert "changed in another tab" in messages_of(response)
    sync.refresh_from_db()
    assert (sync.direction, sync.winner) == ("two_way", "app")  # the other tab's change only


def test_saving_is_refused_when_a_mapped_property_was_deleted_meanwhile(
        admin_client, connection, hub_lead_source):
    sync = start(admin_client, connection)
    response = post_step(admin_client, "mapping_add", sync, lead_source_mapping(connection))
    assert "Mapping added" in messages_of(response)
    PropertyDefinition.objects.filter(pk=hub_lead_source.pk).delete()

    response = post_step(admin_client, "save", sync, {})

    assert "The Syncapp property “lead_source” no longer exists" in messages_of(response)
    sync.refresh_from_db()
    assert sync.state == SyncState.DRAFT
    html = page(admin_client, "mappings", sync).content.decode()
    assert "Field deleted" in html


def test_a_mapping_to_a_property_that_is_gone_is_not_added(admin_client, connection):
    sync = start(admin_client, connection)
    before = sync.mappings.count()
    response = post_step(admin_client, "mapping_add", sync, {
        "app_field": "job_title", "hub_property": "deleted_meanwhile"})
    assert response.status_code == 400
    assert "A property deleted meanwhile can't be mapped" in text_of(response)
    assert sync.mappings.count() == before


def test_two_mappings_writing_one_property_are_refused(admin_client, connection):
    sync = start(admin_client, connection)
    before = list(sync.mappings.values_list("app_field", "hub_property", "enabled"))

    response = post_step(admin_client, "mapping_add", sync, {
        "app_field": "name", "hub_property": "firstname"})

    assert response.status_code == 400
    assert ("Two mappings use the Syncapp property “First name” (from “First name” and from "
            "“Name”)") in text_of(response)
    assert list(sync.mappings.values_list("app_field", "hub_property", "enabled")) == before


def test_turning_on_a_mapping_that_would_write_a_taken_property_is_refused(
        admin_client, connection):
    sync = start(admin_client, connection)
    post_step(admin_client, "mappings", sync, {"enabled": keys(sync, without=("firstname",)),
                                               "toggles": "1", "go": "stay"})
    post_step(admin_client, "mapping_add", sync, {"app_field": "name",
                                                  "hub_property": "firstname"})
    assert sync.mappings.filter(hub_property="firstname", enabled=True).count() == 1

    response = post_step(admin_client, "mappings", sync, {"enabled": keys(sync), "toggles": "1",
                                                          "go": "next"})

    assert response.status_code == 400
    assert "Two mappings use the Syncapp property “First name”" in text_of(response)
    assert sync.mappings.filter(hub_property="firstname", enabled=True).count() == 1


def test_a_filter_value_of_the_wrong_type_is_refused(admin_client, connection):
    sync = start(admin_client, connection)
    response = post_step(admin_client, "filters", sync, {
        "field-0": "date_of_birth", "operator-0": "before", "value-0": "last spring",
        "field-1": "city", "operator-1": "is", "value-1": "Lisbon", "action": "done",
    }, args=("hub",))
    assert response.status_code == 400
    assert "“Date of birth” is a date: enter it as YYYY-MM-DD" in text_of(response)
    assert not SyncFilter.objects.filter(object_sync=sync).exists()  # not even the good row


@pytest.mark.parametrize(("field", "operator", "value", "message"), [
    ("email", "gt", "a", "“is greater than” can't be used with “Email”"),
    ("lifecyclestage", "is", "tycoon", "“tycoon” is not an option of “Lifecycle stage”"),
    ("hs_email_optout", "is", "maybe", "is a checkbox: choose yes or no"),
    ("firstname", "is", "", "Enter a value for “First name”"),
    ("nonexistent", "is", "x", "Choose a property for each condition"),
])
def test_each_kind_of_bad_condition_says_why(admin_client, connection, field, operator, value,
                                             message):
    sync = start(admin_client, connection)
    response = post_step(admin_client, "filters", sync, {
        "field-0": field, "operator-0": operator, "value-0": value, "action": "done",
    }, args=("hub",))
    assert message in text_of(response)
    assert not SyncFilter.objects.filter(object_sync=sync).exists()


def test_good_conditions_are_kept_in_canonical_form(admin_client, connection):
    sync = start(admin_client, connection)
    response = post_step(admin_client, "filters", sync, {
        "field-0": "date_of_birth", "operator-0": "before", "value-0": "1990-01-31",
        "field-1": "lifecyclestage", "operator-1": "is_any_of", "value-1": "Lead, customer",
        "field-2": "", "operator-2": "is", "value-2": "", "action": "done",
    }, args=("hub",))
    assert "Limits updated" in messages_of(response)
    rows = list(SyncFilter.objects.filter(object_sync=sync).values_list(
        "side", "field", "operator", "value"))
    assert rows == [("hub", "date_of_birth", "before", "1990-01-31"),
                    ("hub", "lifecyclestage", "is_any_of", ["lead", "customer"])]


def test_a_required_mapping_turned_off_by_a_crafted_post_is_refused(admin_client, connection):
    sync = start(admin_client, connection)
    crafted = keys(sync, without=("email", "phone"))  # email is required; phone is not

    response = post_step(admin_client, "mappings", sync, {"enabled": crafted, "toggles": "1",
                                                          "go": "next"})

    assert response.status_code == 400
    assert "“Email” is required by this sync and can't be turned off" in (
        text_of(response))
    assert FieldMapping.objects.filter(object_sync=sync, enabled=False).count() == 0


def test_a_default_mapping_cannot_be_removed(admin_client, connection):
    sync = start(admin_client, connection)
    response = post_step(admin_client, "mapping_remove", sync, {"key": "phone|phone"})
    assert "Default mappings can't be removed" in messages_of(response)
    assert sync.mappings.filter(hub_property="phone").exists()


def test_another_portals_connection_and_syncs_are_not_found(
        admin_client, outsider_client, connection):
    sync = start(admin_client, connection)
    choose = reverse("syncs:choose", args=["pipedrive"])
    assert outsider_client.get(choose, {"account": connection.pk}).status_code == 404
    assert outsider_client.post(choose, {"account": connection.pk,
                                         "object": "organizations"}).status_code == 404
    for name in ("configure", "mappings", "limits", "review", "dry_run", "detail", "progress"):
        assert outsider_client.get(url(name, sync)).status_code == 404, name
    for name in ("save", "discard", "turn_off", "delete", "sync_now", "mapping_add"):
        assert outsider_client.post(url(name, sync), {"token": "2.0"}).status_code == 404, name
    assert ObjectSync.objects.filter(connection__portal=connection.portal).count() == 1
    assert admin_client.get(url("configure", sync)).status_code == 200


def test_a_sync_is_not_found_under_another_apps_address(admin_client, connection):
    sync = start(admin_client, connection)
    wrong = reverse("syncs:configure", args=["hubspot", sync.pk])
    assert admin_client.get(wrong).status_code == 404
