"""The held run's review page, its CSV export and actions, and the thresholds page, as
each persona meets them (the runs themselves: tests/engine/test_breaker.py)."""

import csv
import io

import pytest
from django.urls import reverse

from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.models.held import MASS_CHANGE, GuardState, HeldChange, guard_of
from tests.kits.breaker import LOW, PEOPLE, held_by_a_new_mapping, linked_sync
from tests.syncs.kit import messages_of, text_of

pytestmark = pytest.mark.django_db(transaction=True)


def url(name: str, sync) -> str:
    return reverse(f"syncs:{name}", args=[sync.connection.app_key, sync.pk])


@pytest.fixture
def held(hubspot):
    """Held: the job title mapping would fill twelve hub records, one a formula."""
    sync, _ids = held_by_a_new_mapping(hubspot, jobtitle="=HYPERLINK(\"http://x\")")
    assert sync.pause_reason == MASS_CHANGE
    return sync


def where_it_stood(sync) -> tuple:
    sync = ObjectSync.objects.get(pk=sync.pk)
    guard = guard_of(sync)
    return (sync.app_cursor, sync.hub_cursor, sync.pause_reason, guard.state,
            guard.approved_key, HeldChange.objects.filter(object_sync=sync).count())


def test_the_sync_page_says_needs_review_and_the_review_page_shows_the_held_changes(
        held, ops_client):
    detail = text_of(ops_client.get(url("detail", held)))
    assert "Needs review" in detail and url("held", held) in detail

    page = ops_client.get(url("held", held))

    assert page.status_code == 200
    text = text_of(page)
    assert "would have changed 12 records" in text
    assert "jobtitle" in text and "Records changed" in text
    assert "Approve" not in text  # ops can view, not act
    assert "Only admins and support" in text


def test_the_export_lists_every_held_change_with_formulas_neutralised(held, ops_client):
    response = ops_client.get(url("held_export", held))

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["Record", "Syncapp id", "App id", "Change"]
    assert len(rows) == PEOPLE + 1
    assert {row[7] for row in rows[1:]} == {"'=HYPERLINK(\"http://x\")"}
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(held.pk)).exists()


def test_support_approves_through_the_page(held, support_client, support, enqueued):
    page = support_client.get(url("held", held))
    plan = guard_of(held).plan_key
    assert plan in page.content.decode()

    response = support_client.post(url("held_approve", held), {"plan": plan})

    assert response.status_code == 302
    assert "Approved" in messages_of(response)
    held.refresh_from_db()
    assert held.pause_reason == "" and guard_of(held).approved_key == plan
    assert enqueued == [held.pk]
    entry = AuditEntry.objects.get(action=AuditAction.HELD_APPROVED)
    assert entry.actor_id == support.user.pk


@pytest.mark.parametrize("name", ["held_approve", "held_discard"])
def test_an_action_on_a_plan_that_changed_since_the_page_was_opened_is_refused(
        held, admin_client, name):
    before = where_it_stood(held)

    response = admin_client.post(url(name, held), {"plan": "0" * 64})

    assert response.status_code == 409
    assert "planned again since this page was opened" in text_of(response)
    assert where_it_stood(held) == before


@pytest.mark.parametrize("name", ["held_approve", "held_discard", "held_turn_off"])
def test_ops_cannot_act_and_nothing_changes(held, ops_client, name):
    before = where_it_stood(held)

    response = ops_client.post(url(name, held), {"plan": guard_of(held).plan_key})

    assert response.status_code == 403
    assert where_it_stood(held) == before


def test_actions_are_posts_and_other_portals_see_nothing(held, support_client,
                                                          outsider_client):
    assert support_client.get(url("held_approve", held)).status_code == 405
    assert outsider_client.get(url("held", held)).status_code == 404
    assert outsider_client.get(url("held_export", held)).status_code == 404
    assert outsider_client.post(url("held_approve", held),
                                {"plan": guard_of(held).plan_key}).status_code == 404


def test_discard_through_the_page_lists_the_records_left_different(held, support_client):
    cursors = guard_of(held).cursors

    response = support_client.post(url("held_discard", held), {"plan": guard_of(held).plan_key})

    assert "12 records are left different" in messages_of(response)
    held.refresh_from_db()
    assert held.app_cursor == cursors["app_cursor"] and held.pause_reason == ""
    page = text_of(support_client.get(url("held", held)))
    assert "Records left different" in page and "Person3" in page
    assert AuditEntry.objects.filter(action=AuditAction.HELD_DISCARDED).exists()


def test_turn_off_through_the_page(held, admin_client):
    admin_client.post(url("held_turn_off", held))

    held.refresh_from_db()
    assert held.state == "off" and held.pause_reason == ""
    assert guard_of(held).state == GuardState.CLEAR
    assert AuditEntry.objects.filter(action=AuditAction.TURNED_OFF).exists()


# --- thresholds --------------------------------------------------------------------------

GOOD = {"changed_percent": "10", "changed_max": "500", "min_records": "5",
        "creates_max": "50", "deleted_percent": "30"}


@pytest.fixture
def quiet(hubspot):
    sync, _ids = linked_sync(hubspot)
    return sync


def test_an_admin_changes_the_thresholds(quiet, admin_client):
    page = admin_client.get(url("thresholds", quiet))
    assert page.status_code == 200 and 'value="4"' in page.content.decode()

    response = admin_client.post(url("thresholds", quiet), GOOD)

    assert response.status_code == 302
    guard = guard_of(quiet)
    assert (guard.changed_percent, guard.changed_max, guard.min_records, guard.creates_max,
            guard.deleted_percent) == (10, 500, 5, 50, 30)
    entry = AuditEntry.objects.filter(action=AuditAction.THRESHOLDS_CHANGED).latest("id")
    assert entry.changes["changed_percent"] == [LOW.changed_percent, 10]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("changed_percent", "0", "from 1 to 100"),
    ("changed_percent", "101", "from 1 to 100"),
    ("deleted_percent", "-5", "from 1 to 100"),
    ("creates_max", "many", "whole number"),
    ("changed_max", "", "whole number"),
    ("min_records", "600", "can't be above the most records changed"),
])
def test_thresholds_out_of_range_are_refused_and_nothing_is_saved(
        quiet, admin_client, field, value, message):
    audited = AuditEntry.objects.filter(action=AuditAction.THRESHOLDS_CHANGED).count()

    response = admin_client.post(url("thresholds", quiet), {**GOOD, field: value})

    assert response.status_code == 400
    assert message in text_of(response)
    assert "Nothing was saved" in text_of(response)
    assert guard_of(quiet).thresholds == LOW
    assert AuditEntry.objects.filter(action=AuditAction.THRESHOLDS_CHANGED).count() == audited


@pytest.mark.parametrize("persona", ["ops_client", "support_client"])
def test_only_admins_change_the_thresholds(quiet, request, persona):
    client = request.getfixturevalue(persona)

    assert client.post(url("thresholds", quiet), GOOD).status_code == 403
    assert guard_of(quiet).thresholds == LOW
