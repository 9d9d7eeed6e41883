"""A new admin connects apps in the browser, both ways in, as the help article says."""

import pytest
from playwright.sync_api import expect

from syncapp.accounts.services import add_member, create_portal
from syncapp.integrations.models import Connection, ConnectionStatus
from tests.browser.conftest import DYNAMICS, PIPEDRIVE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

PASSWORD = "a-new-admin-password"


@pytest.fixture
def new_admin(db):
    portal = create_portal("Northwind Traders")
    add_member(portal, "founder@northwind.test", PASSWORD, is_super_admin=True)
    return portal


def log_in(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill("founder@northwind.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Contacts", exact=True, level=1)).to_be_visible()


def consent_in_sandbox(page, login: str) -> None:
    """The vendor's page: log in to the app account, review, Allow."""
    page.get_by_label("Email").fill(login)
    page.get_by_label("Password").fill("sandbox")
    page.get_by_role("button", name="Allow").click()


@pytest.mark.parametrize("browser_app", [PIPEDRIVE, DYNAMICS], ids=["pipedrive", "dynamics"])
def test_install_from_the_marketplace_then_another_account_then_disconnect(
    page, shot, live_sandboxes, new_admin, browser_app
):
    app, first_login, second_login = browser_app
    log_in(page, live_sandboxes)
    shot("logged-in")

    page.get_by_role("link", name="App Marketplace").click()
    page.get_by_label("Search apps").fill(app)
    expect(page.locator(".app-card")).to_have_count(1)
    shot("marketplace-search")
    page.locator(".app-card", has_text=app).click()
    expect(page.get_by_role("heading", name=app, exact=True)).to_be_visible()
    shot("listing")

    page.get_by_role("link", name="Install app").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    shot("install-dialog")
    dialog.get_by_role("button", name="Next").click()
    expect(page.get_by_role("button", name="Allow")).to_be_visible()
    shot("vendor-consent")
    consent_in_sandbox(page, first_login)

    expect(page.locator(".flash-success")).to_contain_text("is connected")
    expect(page.locator("table")).to_contain_text("Connected")
    shot("app-page-connected")

    page.get_by_text("Actions").click()
    page.get_by_role("link", name="Manage accounts").click()
    panel = page.get_by_role("dialog", name="Manage accounts")
    expect(panel).to_be_visible()
    shot("manage-accounts")
    panel.get_by_role("button", name="Connect another account").click()
    consent_in_sandbox(page, second_login)
    expect(page.locator("table tbody tr")).to_have_count(2)
    shot("two-accounts")

    page.get_by_text("Actions").click()
    page.get_by_role("link", name="Manage accounts").click()
    page.once("dialog", lambda confirm: confirm.accept())
    panel.locator(".account-item").first.get_by_role("button", name="Disconnect").click()
    expect(page.locator(".flash-success")).to_contain_text("is disconnected")
    expect(page.locator("table tbody tr")).to_have_count(1)
    shot("after-disconnect")

    statuses = sorted(Connection.objects.values_list("status", flat=True))
    assert statuses == [ConnectionStatus.CONNECTED, ConnectionStatus.DISCONNECTED]


def test_set_up_a_sync_from_the_import_page_reaches_the_listing(
    page, shot, live_sandboxes, new_admin
):
    app, first_login, _second = DYNAMICS
    log_in(page, live_sandboxes)
    page.get_by_role("link", name="Import", exact=True).click()
    shot("import-choice")
    page.get_by_role("link", name="Set up a sync").click()
    panel = page.get_by_role("dialog", name="Set up a sync")
    panel.get_by_label("Search for an app").fill(app)
    expect(panel.locator(".account-item")).to_have_count(1)
    expect(panel.locator(".account-item")).to_contain_text(app)
    shot("sync-panel-search")
    panel.get_by_role("link", name="Install app").click()
    expect(page.get_by_role("heading", name=app, exact=True)).to_be_visible()
    page.get_by_role("link", name="Install app").click()
    page.get_by_role("dialog").get_by_role("button", name="Next").click()
    consent_in_sandbox(page, first_login)
    expect(page.locator(".flash-success")).to_contain_text("is connected")
    shot("connected-via-import")

    # The settings route to the same place: Data management → Integrations.
    page.get_by_text("Data management").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Integrations").click()
    expect(page.locator("table")).to_contain_text(app)
    shot("integrations")


def test_opened_by_ip_the_browser_lands_on_site_url_and_install_app_connects(
    page, shot, live_sandboxes, new_admin
):
    """The vendor sends people back to SITE_URL: they must have signed in there."""
    _app, login, _second = PIPEDRIVE
    by_ip = live_sandboxes.replace("://localhost:", "://127.0.0.1:")
    assert by_ip != live_sandboxes
    page.goto(by_ip + "/accounts/login/")
    expect(page).to_have_url(live_sandboxes + "/accounts/login/")
    log_in(page, live_sandboxes)
    shot("signed-in-on-site-url")

    page.goto(live_sandboxes + "/marketplace/pipedrive/")
    page.get_by_role("link", name="Install app").click()
    page.get_by_role("dialog").get_by_role("button", name="Next").click()
    consent_in_sandbox(page, login)
    expect(page.locator(".flash-success")).to_contain_text("is connected")
    assert page.url.startswith(live_sandboxes)
    shot("connected")
