"""Who sees what, what bad input gets, and that the pages read what the links say."""

import datetime as dt
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from syncapp.health.models import ColumnChoice, RepairJob
from syncapp.health.templatetags.health_ui import checks_every
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus
from tests.kits.health import add_failed_links, many_links, quiet_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def sync(portal):
    sync = quiet_sync(portal)
    many_links(sync, 5)
    add_failed_links(portal, sync, {"invalid_value": 2, "rate_limited": 1})
    Link.objects.create(portal=portal, object_sync=sync, app_id="gone", app_name="Gone Guy",
                        status=LinkStatus.DELETED_IN_HUB, error_category="deleted_in_hub")
    return sync


def url(name, *args, query=""):
    return reverse(f"health:{name}", args=["hubspot", *args]) + query


def page_urls(sync):
    link = Link.objects.filter(object_sync=sync).first()
    return [url("overview"), url("records"), url("in_sync", sync.pk), url("excluded", sync.pk),
            url("failed", sync.pk), url("history", link.pk)]


def test_ops_and_support_read_every_page(sync, ops_client, support_client):
    for client in (ops_client, support_client):
        for address in page_urls(sync):
            assert client.get(address).status_code == 200, address


def test_members_without_the_health_permission_are_turned_away(
        sync, member_client, marketer_client):
    for client in (member_client, marketer_client):
        for address in page_urls(sync):
            assert client.get(address).status_code == 403, address


def test_another_portal_never_sees_a_thing(sync, outsider_client):
    for address in page_urls(sync)[2:]:
        assert outsider_client.get(address).status_code == 404, address
    # Its own overview shows no account of ours.
    page = outsider_client.get(url("overview")).content.decode()
    assert "acct-1" not in page
    assert outsider_client.get(url("overview", query=f"?account={sync.connection_id}")
                               ).status_code == 404


def test_only_support_and_admins_resync_retry_and_restore(
        sync, ops_client, support_client, admin_client, outsider_client):
    actions = [
        (url("resync", sync.pk), {"target": "hub"}),
        (url("retry", sync.pk), {"category": "invalid_value", "scope": "all"}),
        (url("restore", query=f"?account={sync.connection_id}"),
         {"sync": sync.pk, "target": "hub"}),
    ]
    for address, data in actions:
        assert ops_client.post(address, data).status_code == 403
        assert outsider_client.post(address, data).status_code in (403, 404)
    assert not RepairJob.objects.exists()
    assert support_client.post(*actions[0]).status_code == 302
    assert admin_client.post(*actions[1]).status_code == 302
    assert sorted(RepairJob.objects.values_list("kind", flat=True)) == ["restore", "retry"]


def test_a_restore_of_another_portals_records_restores_nothing(
        sync, other_portal, outsider, outsider_client):
    theirs = quiet_sync(other_portal, "their-acct")
    reply = outsider_client.post(url("restore", query=f"?account={theirs.connection_id}"),
                                 {"sync": sync.pk, "target": "hub"}, follow=True)
    assert "Choose a record type" in reply.content.decode()
    assert not RepairJob.objects.exists()


def test_two_restores_of_the_same_records_at_once_start_one_job(sync, support_client):
    data = {"target": "hub"}
    support_client.post(url("resync", sync.pk), data)
    reply = support_client.post(url("resync", sync.pk), data, follow=True)
    assert "already being restored" in reply.content.decode()
    assert RepairJob.objects.count() == 1


@pytest.mark.parametrize(("query", "message"), [
    ("?status=bogus", "Status: “bogus” is not a sync status."),
    ("?period=custom&from=2024-13-45", "Enter “from” as YYYY-MM-DD."),
    ("?period=custom&from=2024-05-02&to=2024-05-01",
     "To: the end date is before the start date."),
    ("?period=forever", "Period: choose a time period from the list."),
    ("?object=999999", "Object: choose an object type from the list."),
])
def test_bad_filters_get_a_clear_message(sync, ops_client, query, message):
    reply = ops_client.get(url("records", query=query))
    assert reply.status_code == 400
    assert message in reply.content.decode()
    assert 'data-link="' not in reply.content.decode()


def test_a_column_that_does_not_exist_is_refused(sync, ops, ops_client):
    reply = ops_client.post(url("columns", query=f"?account={sync.connection_id}"),
                            {"column": ["status", "salary"]}, follow=True)
    assert "There is no column called “salary”." in reply.content.decode()
    assert not ColumnChoice.objects.exists()


def test_columns_are_kept_per_user_in_the_chosen_order(sync, ops, ops_client, support_client):
    ops_client.post(url("columns", query=f"?account={sync.connection_id}"),
                    {"column": ["status", "app_record"], "position_status": "2",
                     "position_app_record": "1"})
    assert ColumnChoice.objects.get(user=ops.user).columns == ["app_record", "status"]
    mine = ops_client.get(url("records")).content.decode()
    assert '<th scope="col">HubSpot record</th><th scope="col">Sync status</th>' in mine
    assert "Syncapp record</th>" not in mine
    assert "Syncapp record</th>" in support_client.get(url("records")).content.decode()


def test_saving_columns_keeps_the_filters_of_the_records_shown(sync, ops_client):
    reply = ops_client.post(url("columns", query=f"?account={sync.connection_id}"),
                            {"column": ["status"], "status": "failed"})
    assert reply.status_code == 302
    assert "status=failed" in reply["Location"]


def test_unknown_error_categories_and_reasons_get_a_message(sync, ops_client):
    reply = ops_client.get(url("failed", sync.pk, query="?category=meltdown"), follow=True)
    assert "“meltdown” is not an error category." in reply.content.decode()
    reply = ops_client.get(url("excluded", sync.pk, query="?reason=mood"), follow=True)
    assert "“mood” is not an exclusion reason" in reply.content.decode()


def test_the_failed_panel_groups_by_category_with_tips(sync, support_client):
    html = support_client.get(url("failed", sync.pk)).content.decode()
    assert 'data-category="invalid_value"' in html
    assert 'data-category="rate_limited"' in html
    assert 'data-category="deleted_in_hub"' in html
    assert "Transient" in html and "Needs action" in html
    assert "correct the value on either side" in html  # invalid value's resolution steps
    assert "Retry all 2" in html


def test_the_record_view_pages_by_keyset_without_repeats(portal, ops_client):
    sync = quiet_sync(portal)
    links = many_links(sync, 120)
    base = timezone.now() - dt.timedelta(hours=1)
    for i, link in enumerate(links):  # distinct times, some tied
        Link.objects.filter(pk=link.pk).update(updated_at=base + dt.timedelta(seconds=i // 3))
    seen, query = [], f"?account={sync.connection_id}"
    for _ in range(5):
        page = ops_client.get(url("records", query=query)).context["page"]
        seen += [link.pk for link in page.links]
        if not page.next_after:
            break
        query = f"?account={sync.connection_id}&after={quote(page.next_after)}"
    expected = list(Link.objects.filter(object_sync=sync).order_by("-updated_at", "-id")
                    .values_list("pk", flat=True))
    assert seen == expected


def test_the_record_view_filters_by_status_object_and_period(sync, portal, ops_client):
    other = quiet_sync(portal, "acct-2")
    many_links(other, 3)
    old = Link.objects.filter(object_sync=sync, status=LinkStatus.IN_SYNC).first()
    Link.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))

    def shown(query):
        page = ops_client.get(url("records", query=query)).context["page"]
        return page.count, {link.pk for link in page.links}

    account = f"?account={sync.connection_id}"
    assert shown(account)[0] == 9
    assert shown(account + "&status=failed")[0] == 4  # the record deleted in Syncapp too
    assert shown(account + f"&object={sync.pk}&status=in_sync&period=24h")[0] == 4
    assert old.pk not in shown(account + "&period=24h")[1]
    day = (timezone.now() - dt.timedelta(days=3)).date().isoformat()
    assert shown(account + f"&period=custom&from={day}&to={day}")[1] == {old.pk}


def test_a_record_opens_its_sync_history(sync, ops_client):
    link = Link.objects.filter(object_sync=sync).first()
    HistoryEntry.objects.create(
        portal_id=sync.portal_id, link=link, side="app", action="updated",
        actions=["updated"],
        changes={"app": {"firstname": ["Ann", "Anne", "changed in Syncapp only"]}})
    html = ops_client.get(url("history", link.pk)).content.decode()
    assert "changed in Syncapp only" in html
    assert "<del>Ann</del>" in html and "Anne" in html


def test_the_poll_interval_reads_in_minutes_or_seconds():
    assert checks_every(120) == "Checks for changes every 2 min"
    assert checks_every(90) == "Checks for changes every 1.5 min"
    assert checks_every(3) == "Checks for changes every 3 s"
