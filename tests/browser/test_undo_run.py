"""Support undoes a run in the browser: the sync's page, the review, the confirmation,
and a real Celery worker putting the values back while the page follows its progress."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from connectors.hubspot import HubSpotConnector
from syncapp.accounts.services import add_member, create_portal
from syncapp.crm.services import create_record, update_record
from syncapp.integrations import sandbox_state
from tests.kits.engine import App, connect_account, make_sync, run, settle
from tests.kits.observe import fresh, link_of_hub
from tests.kits.worker import sync_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.worker]

PASSWORD = "an-undo-password"
SUPPORT = "support@acme.test"


@pytest.fixture
def renamed(live_sandboxes, tmp_path):
    """Two contacts in sync with HubSpot, then a run that renamed both in HubSpot."""
    portal = create_portal("Acme Corp")
    add_member(portal, SUPPORT, PASSWORD, can_support=True)
    url = f"{live_sandboxes}/sandbox/hubspot"
    app = App(HubSpotConnector, sandbox_state.in_process("hubspot"), url,
              connect_account(HubSpotConnector, portal, url, "admin@acmecorp.example"))
    fresh(app, "contacts")
    ann = create_record(portal, "contact", {"email": "ann@browser.example", "firstname": "Ann"})
    bob = create_record(portal, "contact", {"email": "bob@browser.example", "firstname": "Bob"})
    sync = make_sync(app, "contacts")
    run(app, sync)
    update_record(ann, {"firstname": "Annabel"})
    update_record(bob, {"firstname": "Robert"})
    settle(portal)
    run(app, sync)
    with sync_worker(live_sandboxes, tmp_path / "worker.log"):
        yield app, sync, ann


def test_support_reviews_and_undoes_a_run(page, shot, live_sandboxes, renamed):
    app, sync, ann = renamed
    app_id = link_of_hub(sync, ann).app_id
    assert app.get("contacts", app_id)["firstname"] == "Annabel"
    page.goto(live_sandboxes + "/accounts/login/")
    page.get_by_label("Email").fill(SUPPORT)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_sandboxes + reverse("syncs:detail", args=["hubspot", sync.pk]))
    shot("sync-page")

    page.get_by_role("link", name="Undo this run").first.click()
    expect(page.get_by_role("heading", name="Undo this run", level=1)).to_be_visible()
    expect(page.locator('[data-count="back"]')).to_have_text("2 records get values back")
    expect(page.locator("#undo-records")).to_contain_text("Annabel")
    shot("review")

    page.get_by_role("button", name="Undo this run").click()
    # The worker does the undo: give it the time a busy machine takes, not expect's 5 s.
    expect(page.locator("#undo-status")).to_have_attribute("data-state", "succeeded",
                                                            timeout=30_000)
    expect(page.locator('[data-count="put_back"]')).to_have_text("2")
    shot("undone")
    assert app.get("contacts", app_id)["firstname"] == "Ann"
