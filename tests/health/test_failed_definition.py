""""Failed" is declared once (syncs/models/links.py) and every count, list and filter uses it:
the sync page, the overview it links to, the failed panel, the record view and the
Postgres tallies all agree that a record deleted on one side has failed."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from syncapp.health.tallies import detail_function_sql, install_detail_function
from syncapp.syncs.counts import counts_for
from syncapp.syncs.models import (
    COUNTED_AS,
    COUNTED_AS_FAILED,
    FAILED_FALLBACK_CATEGORY,
    Link,
    LinkStatus,
    Run,
    RunKind,
    RunStatus,
)
from tests.kits.health import add_failed_links, many_links, quiet_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def sync(portal):
    """5 in sync, 3 failed to write, 1 deleted in Syncapp, 2 deleted in the app."""
    sync = quiet_sync(portal)
    many_links(sync, 5)
    add_failed_links(portal, sync, {"invalid_value": 2, "rate_limited": 1})
    Link.objects.create(portal=portal, object_sync=sync, app_id="gone-hub", app_name="Hub Gone",
                        status=LinkStatus.DELETED_IN_HUB, error_category="deleted_in_hub")
    for i in range(2):  # one recorded without a category: it still counts, as not found
        Link.objects.create(portal=portal, object_sync=sync, app_id=f"gone-app-{i}",
                            app_name=f"App Gone {i}", status=LinkStatus.DELETED_IN_APP,
                            error_category="not_found" if i else "")
    Run.objects.create(portal=portal, object_sync=sync, kind=RunKind.INITIAL,
                       status=RunStatus.SUCCEEDED)
    sync.initial_done = True
    sync.save()
    return sync


def number(html: str, attribute: str) -> int:
    found = re.search(rf'{attribute}[^>]*>\s*([\d,]+)', html)
    assert found, attribute
    return int(found.group(1).replace(",", ""))


def test_sync_page_and_the_health_page_it_links_to_show_one_failed_count(sync, ops_client):
    sync_page = ops_client.get(reverse("syncs:detail", args=["hubspot", sync.pk])).content.decode()
    overview = ops_client.get(reverse("health:overview", args=["hubspot"])).content.decode()

    assert number(sync_page, 'data-links="failed"') == 6
    assert number(overview, 'data-count="failed"') == 6
    assert "Failed includes 3 deleted records" in sync_page


def test_failed_panel_lists_deleted_records_under_their_categories(sync, ops_client):
    page = ops_client.get(reverse("health:failed", args=["hubspot", sync.pk])
                          + "?category=not_found").content.decode()

    assert "App Gone 0" in page and "App Gone 1" in page
    assert 'data-category="deleted_in_hub"' in page


def test_record_view_failed_filter_shows_what_the_failed_count_counts(sync, ops_client):
    page = ops_client.get(reverse("health:records", args=["hubspot"]) + "?status=failed")
    names = {link.hub_name or link.app_name for link in page.context["page"].links}

    assert page.context["page"].count == 6
    assert {"Hub Gone", "App Gone 0", "App Gone 1"} <= names
    assert len(names) == 6


def test_tallies_count_every_status_the_definition_names(sync):
    with connection.cursor() as cursor:
        for status, fallback in FAILED_FALLBACK_CATEGORY.items():
            cursor.execute("SELECT health_link_detail(%s, '', '')", [status])
            assert cursor.fetchone()[0] == fallback, status
    assert set(COUNTED_AS_FAILED) == set(FAILED_FALLBACK_CATEGORY)
    assert Link.objects.filter(object_sync=sync).counted_as_failed().count() == 6


def test_a_status_added_to_the_definition_reaches_the_tallies(sync, monkeypatch):
    # What an engineer adding "deleted on both sides" gets from one line in the table.
    monkeypatch.setitem(FAILED_FALLBACK_CATEGORY, "deleted_on_both_sides", "deleted_on_both")
    try:
        with connection.cursor() as cursor:
            cursor.execute(detail_function_sql())
            cursor.execute("SELECT health_link_detail('deleted_on_both_sides', '', '')")
            assert cursor.fetchone()[0] == "deleted_on_both"
    finally:
        monkeypatch.undo()
        install_detail_function()


def test_each_count_the_pages_show_counts_the_links_the_definition_names(sync, ops_client):
    for i, reason in enumerate(("no_email", "no_email", "filters")):
        Link.objects.create(portal=sync.portal, object_sync=sync, app_id=f"out-{i}",
                            app_name="Left Out", status=LinkStatus.EXCLUDED,
                            exclusion_reason=reason)
    links = Link.objects.filter(object_sync=sync)
    counts = counts_for([sync.pk])[sync.pk]
    overview = ops_client.get(reverse("health:overview", args=["hubspot"])).content.decode()

    assert {name: counts.counted_as(name) for name in COUNTED_AS} == {
        name: links.counted_as(name).count() for name in COUNTED_AS} == {
        "in_sync": 5, "failed": 6, "excluded": 3}
    assert counts.excluded_by_reason == {"no_email": 2, "filters": 1}
    assert number(overview, 'data-count="excluded"') == 3
    assert number(overview, 'data-count="in_sync"') == 5


def test_the_failed_panels_index_covers_every_status_counted_as_failed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'health_link_failed'")
        (definition,) = cursor.fetchone()
    predicate = definition.split(" WHERE ", 1)[1]

    assert set(re.findall(r"'(\w+)'", predicate)) == set(COUNTED_AS_FAILED)
