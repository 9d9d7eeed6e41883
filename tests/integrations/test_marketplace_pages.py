"""The App Marketplace, listing pages and Integrations pages, generated from specs."""

import re

import pytest
from django.urls import reverse

from tests.kits.connect import connect_account

pytestmark = pytest.mark.django_db(transaction=True)


def test_search_finds_an_app_by_name_and_by_what_it_syncs(admin_client, toy_app):
    page = admin_client.get(reverse("integrations:marketplace"), {"q": "toy"}).content.decode()
    assert "Toy CRM" in page
    assert "A toy app for tests" in page
    by_object = admin_client.get(reverse("integrations:marketplace"), {"q": "people"})
    assert "Toy CRM" in by_object.content.decode()
    nothing = admin_client.get(reverse("integrations:marketplace"), {"q": "zzzz"}).content
    assert "No app matches" in nothing.decode()


def test_search_answers_htmx_with_the_grid_alone(admin_client, toy_app):
    response = admin_client.get(reverse("integrations:marketplace"), {"q": "toy"},
                                HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Toy CRM" in body
    assert "<html" not in body


def test_listing_shows_objects_scopes_and_install(admin_client, toy_app):
    page = admin_client.get(reverse("integrations:listing", args=["toy"])).content.decode()
    assert "Install app" in page
    assert "People" in page
    assert "Contacts" in page
    assert "contacts" in page  # the scope


def test_unknown_app_is_a_404(admin_client, toy_app):
    assert admin_client.get(reverse("integrations:listing", args=["nope"])).status_code == 404


def test_logo_is_served_as_an_svg_image_that_cannot_run_scripts(admin_client, toy_app):
    response = admin_client.get(reverse("integrations:logo", args=["toy"]))
    assert response["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_integrations_lists_connected_apps_of_this_portal_only(
    admin_client, outsider_client, toy_app
):
    connect_account(admin_client, "toy", "admin@toy.example")
    assert "Toy Inc" in admin_client.get(reverse("integrations:index")).content.decode()
    theirs = outsider_client.get(reverse("integrations:index")).content.decode()
    assert "Toy Inc" not in theirs
    assert "No app is connected yet" in theirs
    assert "Toy Inc" not in outsider_client.get("/integrations/toy/").content.decode()


def test_the_import_way_in_leads_to_the_listing(admin_client, toy_app):
    crm = admin_client.get(reverse("crm:list", args=["contact"])).content.decode()
    assert reverse("integrations:import_start") in crm
    settings_page = admin_client.get(reverse("integrations:import_export")).content.decode()
    assert "Go to import" in settings_page
    panel = admin_client.get(reverse("integrations:import_start"), {"panel": "sync", "q": "toy"})
    body = panel.content.decode()
    assert "Set up a sync" in body
    assert reverse("integrations:listing", args=["toy"]) in body


def test_an_import_search_result_names_the_app_with_a_link_to_its_listing(
        admin_client, toy_app):
    listing = reverse("integrations:listing", args=["toy"])
    for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):  # the panel, and its live results
        body = admin_client.get(reverse("integrations:import_start"),
                                {"panel": "sync", "q": "toy"}, **htmx).content.decode()
        name = re.search(r'<a class="app-inline" href="([^"]+)"[^>]*>.*?</a>', body, re.S)
        assert name and name.group(1) == listing
        assert "Toy" in name.group(0)
