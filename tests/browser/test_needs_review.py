"""Needs review, in the browser, as support: a run the mass-change breaker held, its
review page, Approve, and the run that then applies the changes."""

import pytest
from playwright.sync_api import expect

from syncapp.accounts.services import add_member
from syncapp.crm.models import Record
from syncapp.syncs import tasks
from syncapp.syncs.models.held import GuardState, guard_of
from tests.kits.breaker import PEOPLE, held_by_a_new_mapping
from tests.kits.engine import run

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
SUPPORT, PASSWORD = "support@acme.test", "a-support-password"


@pytest.fixture
def enqueued(monkeypatch):
    """Runs are only recorded here: the test runs the sync itself, as a worker would."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.run_sync, "delay", sent.append)
    return sent


def test_support_reviews_and_approves_a_held_run(page, shot, live_server, portal, hubspot,
                                                 enqueued):
    sync, ids = held_by_a_new_mapping(hubspot)
    add_member(portal, SUPPORT, PASSWORD, can_support=True)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(SUPPORT)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)

    page.goto(f"{live_server.url}/integrations/hubspot/sync/{sync.pk}/")
    expect(page.locator("[data-badge=needs-review]")).to_have_text("Needs review")
    shot("sync-needs-review")
    page.get_by_role("link", name="Review the held changes").click()

    expect(page.get_by_role("heading", name="Held changes", level=1)).to_be_visible()
    expect(page.locator("[data-state=held]")).to_contain_text(f"{PEOPLE} records")
    expect(page.locator("[data-per-field] tbody tr")).to_have_count(1)
    expect(page.locator("[data-per-field]")).to_contain_text("jobtitle")
    expect(page.locator("[data-sample]")).to_contain_text("Engineer")
    shot("review-page")
    page.get_by_role("button", name="Approve").click()

    expect(page.locator(".flash-success")).to_contain_text("Approved")
    expect(page.locator("[data-approved]")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    assert enqueued == [sync.pk]

    run(hubspot, sync)  # the worker's run: re-planned, unchanged, applied
    page.reload()
    expect(page.locator("[data-state=clear]")).to_be_visible()
    shot("after-approve")
    assert guard_of(sync).state == GuardState.CLEAR
    titles = Record.objects.filter(portal=portal, object_type="contact").values_list(
        "properties__jobtitle", flat=True)
    assert sorted(titles) == ["Engineer"] * PEOPLE
    assert hubspot.get("contacts", ids[0])["jobtitle"] == "Engineer"
