"""After Save and sync, in the browser: edit the settings, turn off and on, delete;
the free plan's custom-mapping preview; and what people without the permission see."""

import pytest
from playwright.sync_api import expect

from syncapp.accounts.models import Plan
from syncapp.accounts.services import add_member
from syncapp.syncs import tasks
from syncapp.syncs.models import ObjectSync, SyncState
from syncapp.syncs.wizard import preview_worker
from tests.browser.test_sync_wizard import (
    PASSWORD,
    connect_pipedrive,
    log_in,
    northwind,
    settled,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
__all__ = ["northwind"]  # the portal fixture, shared with the wizard's test


@pytest.fixture
def enqueued(monkeypatch):
    """Runs are only recorded here, and dry runs computed at once: no worker needed."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.run_sync, "delay", sent.append)
    monkeypatch.setattr(tasks.dry_run, "delay", preview_worker.run_and_store)
    return sent


@pytest.fixture
def admin_page(page, live_sandboxes, northwind):
    log_in(page, live_sandboxes)
    connect_pipedrive(page, live_sandboxes)
    return page


def set_up_contacts(page) -> None:
    """The shortest way through the wizard: defaults everywhere, then Save and sync."""
    page.get_by_role("link", name="Set up sync").first.click()
    page.get_by_text("Persons in Pipedrive with Contacts in Syncapp").click()
    for _step in ("object", "configure", "mappings", "limits"):
        page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Save and sync").click()
    expect(page.locator(".flash-success")).to_contain_text("The initial sync has started")


def actions(page, item: str) -> None:
    page.locator(".page-actions summary", has_text="Actions").click()
    page.locator(".page-actions .menu-panel").get_by_text(item, exact=True).click()


def test_edit_turn_off_turn_on_and_delete(admin_page, shot, enqueued):
    page = admin_page
    set_up_contacts(page)
    sync = ObjectSync.objects.get()
    assert enqueued == [sync.pk]

    actions(page, "Edit sync settings")
    expect(page.get_by_role("heading", name="Edit sync settings")).to_be_visible()
    expect(page.get_by_text("keeps running on its saved settings")).to_be_visible()
    page.get_by_label("Default app when values differ").select_option(label="Pipedrive")
    shot("edit-configure")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("You have changes that are not saved yet")).to_be_visible()
    page.get_by_role("link", name="Review").click()
    expect(page.locator(".summary-list")).to_contain_text("Pipedrive wins")
    sync.refresh_from_db()
    assert sync.winner == "hub"  # still running on the saved settings
    shot("edit-review")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("They apply from the next run")
    sync.refresh_from_db()
    assert sync.winner == "app"

    actions(page, "Turn off sync")
    dialog = page.get_by_role("dialog", name="Turn off sync?")
    expect(dialog).to_contain_text("catches up")
    shot("turn-off-dialog")
    dialog.get_by_role("button", name="Turn off sync").click()
    expect(page.locator(".flash-success")).to_contain_text("The sync is off")
    expect(page.locator("#sync-state-badge")).to_have_text("Off")
    shot("off")

    enqueued.clear()
    actions(page, "Turn on sync")
    expect(page.locator(".flash-success")).to_contain_text("catching up")
    assert enqueued == [sync.pk]

    actions(page, "Delete")
    dialog = page.get_by_role("dialog", name="Delete the Persons sync?")
    expect(dialog).to_contain_text("The records are kept")
    shot("delete-dialog")
    dialog.get_by_role("button", name="Delete sync").click()
    expect(page.locator(".flash-success")).to_contain_text("Every record is kept")
    expect(page.get_by_text("Nothing syncs yet.")).to_be_visible()
    assert not ObjectSync.objects.exists()


def test_the_free_plan_previews_custom_mappings(admin_page, shot, northwind, enqueued):
    page = admin_page
    northwind.plan = Plan.FREE
    northwind.save()
    page.get_by_role("link", name="Set up sync").first.click()
    page.get_by_text("Persons in Pipedrive with Contacts in Syncapp").click()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()

    page.get_by_role("link", name="Try custom mappings").click()
    panel = page.locator("#add-mapping")
    expect(panel.locator(".preview-banner")).to_contain_text("can't be saved")
    settled(page)
    panel.get_by_label("Pipedrive field").select_option(label="Name · text")
    expect(panel).to_have_attribute("data-app-field", "name")
    settled(page)
    panel.get_by_label("Syncapp property").select_option(label="Company name · ⇄ both ways")
    expect(panel.locator(".verdict-ok")).to_be_visible()
    expect(panel.get_by_role("button", name="Update")).to_be_disabled()
    shot("free-plan-preview")


def test_without_the_permission_the_syncs_are_read_only(page, live_sandboxes, northwind,
                                                        enqueued, shot):
    log_in(page, live_sandboxes)
    connect_pipedrive(page, live_sandboxes)
    set_up_contacts(page)
    add_member(northwind, "viewer@northwind.test", PASSWORD)
    page.context.clear_cookies()
    page.goto(live_sandboxes + "/accounts/login/")
    page.get_by_label("Email").fill("viewer@northwind.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(live_sandboxes + "/integrations/pipedrive/")
    expect(page.locator("#object-syncs")).to_contain_text("Persons")
    expect(page.get_by_role("link", name="Set up sync")).to_have_count(0)
    expect(page.locator("#object-syncs .note")).to_contain_text("App Marketplace")
    shot("read-only-app-page")
    page.locator("#object-syncs").get_by_role("link", name="Persons Contacts").click()
    expect(page.get_by_text("changing it needs the “App Marketplace” permission")).to_be_visible()
    expect(page.locator(".page-actions")).to_have_count(0)
    shot("read-only-sync")
    assert ObjectSync.objects.get().state == SyncState.ON
