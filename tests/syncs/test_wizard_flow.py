"""Through every step with the test client: each step its own URL, kept in a draft."""

import pytest
from django.urls import reverse

from syncapp.integrations.models import Connection
from syncapp.syncs.models import ObjectSync, SyncState
from tests.kits.connect import connect_account
from tests.syncs.kit import CONFIGURE, page, post_step, start, text_of, url

pytestmark = pytest.mark.django_db


def test_set_up_sync_is_on_the_app_page_with_the_syncs_table(admin_client, connection):
    html = admin_client.get(reverse("integrations:app", args=["pipedrive"])).content.decode()
    assert "Set up sync" in html
    assert "Object syncs" in html
    assert "Nothing syncs yet." in html


def test_choose_object_lists_the_apps_objects_with_their_hub_pairs(admin_client, connection):
    html = admin_client.get(reverse("syncs:choose", args=["pipedrive"])).content.decode()
    for pair in ("Persons", "Contacts", "Organizations", "Companies", "Deals", "Products"):
        assert pair in html


def test_every_step_keeps_its_choices_in_the_draft(admin_client, connection):
    sync = start(admin_client, connection)
    assert sync.state == SyncState.DRAFT
    assert sync.mappings.filter(required=True, app_field="email").exists()

    response = post_step(admin_client, "configure", sync, {**CONFIGURE, "winner": "app"})
    assert response.status_code == 302
    assert response["Location"] == url("mappings", sync)
    sync.refresh_from_db()
    assert (sync.winner, sync.default_lifecycle_stage) == ("app", "lead")

    phone = sync.mappings.get(hub_property="phone")
    enabled = [f"{m.app_field}|{m.hub_property}" for m in sync.mappings.all() if m != phone]
    response = post_step(admin_client, "mappings", sync, {"enabled": enabled, "toggles": "1",
                                                          "go": "next"})
    assert response["Location"] == url("limits", sync)
    assert not sync.mappings.get(hub_property="phone").enabled

    response = post_step(admin_client, "limits", sync, {"go": "next"})  # email box cleared
    assert response["Location"] == url("review", sync)
    sync.refresh_from_db()
    assert sync.email_only is False
    html = page(admin_client, "review", sync).content.decode()
    assert "Contacts without an email address sync too" in html
    assert "Save and sync" in html


def test_back_goes_to_the_previous_step(admin_client, connection):
    sync = start(admin_client, connection)
    response = post_step(admin_client, "mappings", sync, {
        "enabled": [f"{m.app_field}|{m.hub_property}" for m in sync.mappings.all()],
        "toggles": "1", "go": "back"})
    assert response["Location"] == url("configure", sync)
    html = page(admin_client, "limits", sync).content.decode()
    assert f'href="{url("mappings", sync)}"' in html  # the Back link


def test_choosing_the_same_object_again_continues_its_draft(admin_client, connection):
    first = start(admin_client, connection)
    again = start(admin_client, connection)
    assert first.pk == again.pk
    assert ObjectSync.objects.count() == 1


@pytest.mark.parametrize("app_object", ["organizations", "deals", "products", "activities",
                                        "notes"])
def test_every_object_walks_through_every_step_to_its_dry_run(admin_client, connection,
                                                              app_object):
    sync = start(admin_client, connection, app_object)
    for step in ("configure", "mappings", "limits", "review"):
        page(admin_client, step, sync)
    configure = page(admin_client, "configure", sync).content.decode()
    assert "Set default lifecycle stage" not in configure  # contacts only
    limits = page(admin_client, "limits", sync).content.decode()
    assert "Sync only" not in limits  # the email limit is for contacts and leads
    dry_run = admin_client.get(url("dry_run", sync), HTTP_HX_REQUEST="true")
    assert dry_run.status_code == 200
    assert 'data-testid="dry-run-counts"' in dry_run.content.decode()


def test_objects_without_an_identifier_offer_no_separate_no_matching(admin_client, connection):
    deals = start(admin_client, connection, "deals")
    html = page(admin_client, "configure", deals).content.decode()
    assert "no identifier: always create" in html
    assert 'value="none"' not in html
    persons = start(admin_client, connection, "persons")
    assert 'value="none"' in page(admin_client, "configure", persons).content.decode()


def test_a_hubspot_account_walks_through_the_wizard_too(admin_client, live_pipedrive, portal):
    connect_account(admin_client, "hubspot", "admin@acmecorp.example")
    connection = Connection.objects.get(portal=portal, app_key="hubspot")
    sync = start(admin_client, connection, "contacts")
    mappings = page(admin_client, "mappings", sync).content.decode()
    assert "Unsubscribed from all email" in mappings  # read-only there: into Syncapp only
    for step in ("configure", "limits", "review"):
        page(admin_client, step, sync)
    dry_run = admin_client.get(url("dry_run", sync), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-stat="created_hub"' in dry_run


def test_matching_by_chosen_fields_needs_both_fields_then_says_so(admin_client, connection):
    sync = start(admin_client, connection)
    refused = post_step(admin_client, "configure", sync, {**CONFIGURE, "matching": "custom"})
    assert refused.status_code == 400
    assert "Choose at least one pair of fields to match records by." in refused.content.decode()
    sync.refresh_from_db()
    assert sync.matching == "default"

    post_step(admin_client, "configure", sync, {
        **CONFIGURE, "matching": "custom", "match_app_field": "phone",
        "match_hub_property": "mobilephone"})
    sync.refresh_from_db()
    assert (sync.matching, sync.match_fields) == ("custom", [["phone", "mobilephone"]])
    review = text_of(page(admin_client, "review", sync))
    assert "Pipedrive's “Phone” = Syncapp's “Mobile phone number”" in review


def test_the_email_limit_is_left_alone_for_other_objects(admin_client, connection):
    deals = start(admin_client, connection, "deals")
    post_step(admin_client, "limits", deals, {"go": "next"})
    deals.refresh_from_db()
    assert deals.email_only is True  # not a contact: the box is not shown, nothing changes
