"""The object view's counts are the links' real statuses, however the links were written."""

from collections import Counter

import pytest
from django.urls import reverse

from syncapp.crm.models import Record
from syncapp.health.models import LinkTally
from syncapp.syncs.counts import compact, counts_for
from syncapp.syncs.models import Link, LinkStatus
from syncapp.syncs.services import delete_sync
from tests.kits.health import FAILURES, build_mixed

pytestmark = pytest.mark.django_db(transaction=True)


def truth(sync) -> dict:
    links = Link.objects.filter(object_sync=sync)
    by_status = Counter(links.values_list("status", flat=True))
    problems = links.filter(status__in=["failed", "deleted_in_hub", "deleted_in_app"])
    return {
        "in_sync": by_status["in_sync"],
        "failed": sum(by_status[s] for s in ("failed", "deleted_in_hub", "deleted_in_app")),
        "excluded": by_status["excluded"],
        "categories": Counter(problems.values_list("error_category", flat=True)),
        "reasons": Counter(links.filter(status="excluded").values_list(
            "exclusion_reason", flat=True)),
    }


def seen(sync) -> dict:
    counts = counts_for([sync.pk])[sync.pk]
    return {"in_sync": counts.in_sync, "failed": counts.failed, "excluded": counts.excluded,
            "categories": Counter(counts.failed_by_category),
            "reasons": Counter(counts.excluded_by_reason)}


def test_counts_match_the_links_after_a_mixed_run(portal, hubspot):
    mixed = build_mixed(portal, hubspot)
    expected = truth(mixed.sync)

    assert seen(mixed.sync) == expected
    # The mixed run holds every kind the object view shows.
    assert expected["in_sync"] >= 4
    assert expected["reasons"] == {"no_email": 2, "filters": 1}
    assert expected["categories"] == {"not_found": 1, "deleted_in_hub": 1,
                                      **{str(c): n for c, n in FAILURES.items()}}
    assert expected["failed"] == 2 + sum(FAILURES.values())


def test_counts_follow_every_writer_and_survive_compaction(portal, hubspot):
    mixed = build_mixed(portal, hubspot)
    sync = mixed.sync
    # A person's bulk edit, a queryset update and a delete all count.
    Link.objects.filter(object_sync=sync, status=LinkStatus.IN_SYNC).order_by("id")[:1][0] \
        .delete()
    Link.objects.filter(object_sync=sync, error_category="duplicate").update(
        status=LinkStatus.IN_SYNC, error_category="")
    assert seen(sync) == truth(sync)
    rows_before = LinkTally.objects.filter(object_sync_id=sync.pk).count()
    compact([sync.pk])
    assert LinkTally.objects.filter(object_sync_id=sync.pk).count() < rows_before
    assert seen(sync) == truth(sync)


def test_deleting_a_sync_leaves_no_count_behind_and_keeps_records(portal, hubspot):
    mixed = build_mixed(portal, hubspot)
    records = Record.objects.filter(portal=portal).count()
    delete_sync(mixed.sync)
    assert counts_for([mixed.sync.pk])[mixed.sync.pk].by_status == {}
    assert Record.objects.filter(portal=portal).count() == records


def test_the_object_view_shows_the_counts_as_links(portal, hubspot, ops_client):
    mixed = build_mixed(portal, hubspot)
    expected = truth(mixed.sync)
    page = ops_client.get(reverse("health:overview", args=["hubspot"]))
    html = page.content.decode()
    assert page.status_code == 200
    for name, url in (("in_sync", "health:in_sync"), ("failed", "health:failed"),
                      ("excluded", "health:excluded")):
        link = reverse(url, args=["hubspot", mixed.sync.pk])
        assert f'data-count="{name}" href="{link}">{expected[name]}</a>' in html
