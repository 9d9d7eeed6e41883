"""Each input that once ended in a 500, or was stored whole, or was silently ignored: it
now gets a 4xx whose message names the field, and nothing stored changes."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from syncapp.crm.models import Record
from syncapp.syncs.models import ObjectSync, SyncState
from tests.site.crawl_kit import build_world, fingerprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(portal, admin):
    return build_world(portal, admin.user)


@pytest.fixture
def client(admin) -> Client:
    """A super admin: holds every permission, so only the input decides the answer."""
    client = Client()
    client.force_login(admin.user)
    return client


def ids(world, name: str) -> int:
    return world.ids[name][0]


def health(name: str, *args) -> str:
    return reverse(f"health:{name}", args=["hubspot", *args])


def refused(client, method: str, url: str, data: dict, *, field: str) -> str:
    """Send; assert a 4xx naming `field` and an unchanged database; return the page."""
    before = fingerprint()
    response = getattr(client, method)(url, data)
    text = html.unescape(response.content.decode())
    assert 400 <= response.status_code < 500, (response.status_code, url)
    assert field in text, f"the answer does not name {field!r}"
    assert fingerprint() == before
    return text


def test_a_unicode_digit_as_a_health_list_cursor_is_refused(client, world):
    sync = ids(world, "sync_id")
    for name in ("in_sync", "excluded", "failed"):
        text = refused(client, "get", health(name, sync), {"after": "²"}, field="“after”")
        assert "must be a record number" in text


def test_a_unicode_digit_as_the_record_view_object_is_refused(client, world):
    text = refused(client, "get", health("records"), {"object": "²"}, field="Object")
    assert "choose an object type from the list" in text


def test_a_unicode_digit_as_the_export_object_is_refused_and_no_export_is_made(client, world):
    refused(client, "post", health("export"), {"object": "²", "format": "csv"}, field="Object")


def test_a_unicode_digit_as_a_retried_link_is_refused(client, world):
    refused(client, "post", health("retry", ids(world, "sync_id")),
            {"category": "invalid_value", "link": ["²"]}, field="“link”")


def test_a_unicode_digit_as_a_column_position_is_refused(client, world):
    refused(client, "post", health("columns"),
            {"column": ["object", "status"], "position_object": "²"},
            field="“position_object”")


def test_a_unicode_digit_in_the_limits_panel_remove_action_is_refused(client, world):
    draft = ObjectSync.objects.get(pk=world.ids["sync_id"][1])
    assert draft.state == SyncState.DRAFT
    url = reverse("syncs:filters", args=["hubspot", draft.pk, "hub"])
    refused(client, "post", url, {"action": "remove-²", "field-0": "city"}, field="“action”")


def test_a_nul_in_the_crm_search_is_refused(client, world):
    refused(client, "get", reverse("crm:list", args=["contact"]), {"q": "\x00"}, field="“q”")


def test_a_nul_in_a_crm_list_cursor_is_refused(client, world):
    refused(client, "get", reverse("crm:list", args=["contact"]), {"after": "1:\x00"},
            field="“after”")


def test_a_nul_in_the_association_finder_is_refused(client, world):
    url = reverse("crm:detail", args=["contact", ids(world, "record_id")])
    refused(client, "get", url, {"add": "company", "find": "\x00"}, field="“find”")


def test_a_custom_period_ending_in_the_year_9999_is_refused(client, world):
    text = refused(client, "get", health("records"),
                   {"period": "custom", "to": "9999-12-31"}, field="“to”")
    assert "must be a date between 1900 and 2999" in text


def test_a_record_view_cursor_with_an_impossible_time_zone_is_refused(client, world):
    refused(client, "get", health("records"), {"after": "1:2026-01-01T00:00:00+23:59"},
            field="“after”")


def test_a_crm_list_cursor_with_an_impossible_time_zone_is_refused(client, world):
    refused(client, "get", reverse("crm:list", args=["contact"]),
            {"sort": "updated", "after": "1:2026-01-01T00:00:00+23:59"}, field="“after”")


@pytest.mark.parametrize("amount", ["1e1000000", "1e999999", "-1e999999", "1" + "0" * 30])
def test_a_deal_amount_beyond_what_postgres_and_the_vendors_keep_is_refused(
        client, world, amount):
    text = refused(client, "post", reverse("crm:create", args=["deal"]),
                   {"dealname": "Huge", "amount": amount}, field="“Amount”")
    assert "must be below 10^20" in text
    assert not Record.objects.filter(display_name="Huge").exists()


def test_an_empty_create_contact_form_is_refused(client, world):
    text = refused(client, "post", reverse("crm:create", args=["contact"]), {"city": ""},
                   field="Email")
    assert "Enter at least one of: Email, First name, Last name." in text


@pytest.mark.parametrize(("object_type", "message"), [
    ("company", "Enter at least one of: Company name, Company domain name."),
    ("product", "Enter at least one of: SKU, Name."),
])
def test_a_company_or_product_without_any_identifier_is_refused(
        client, world, object_type, message):
    text = refused(client, "post", reverse("crm:create", args=[object_type]),
                   {"description": "no name"}, field=message.split(": ")[1].split(",")[0])
    assert message in text


def test_a_deal_needs_no_identifier(client, world):
    before = Record.objects.filter(object_type="deal").count()
    response = client.post(reverse("crm:create", args=["deal"]), {"amount": "100"})
    assert response.status_code == 302
    assert Record.objects.filter(object_type="deal").count() == before + 1


def test_a_bad_record_view_period_is_reported_not_ignored(client, world):
    text = refused(client, "get", health("records"), {"period": "forever"}, field="Period")
    assert "choose a time period from the list" in text
    assert 'data-link="' not in text  # no records listed as if no filter had been asked


def test_a_refused_htmx_request_still_gets_the_message(client, world):
    before = fingerprint()
    response = client.get(reverse("crm:list", args=["contact"]), {"q": "\x00"},
                          headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "“q” contains a NUL character" in html.unescape(response.content.decode())
    assert fingerprint() == before


def test_a_nul_is_refused_even_before_sign_in(db):
    response = Client().post(reverse("accounts:login"),
                             {"username": "admin@acme.test\x00", "password": "x"})
    assert response.status_code == 400
    assert "“username” contains a NUL character" in html.unescape(response.content.decode())
