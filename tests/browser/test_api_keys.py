"""A super admin creates an API key in the browser, a script uses it at once, and once
revoked it is refused; the API reference page opens under the Content-Security-Policy."""

import pytest
import requests
from playwright.sync_api import expect

from syncapp.accounts.services import add_member, create_portal
from tests.conftest import PASSWORD
from tests.kits.health import quiet_sync

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
ADMIN = "admin@acme.test"


def create_key_in_browser(page, name: str, scope: str) -> str:
    """From the user menu to the API keys page, create a key; the token shown once."""
    page.locator("summary.usermenu-toggle").click()
    page.locator(".usermenu .menu-panel").get_by_text("API keys", exact=True).click()
    expect(page.get_by_role("heading", name="API keys", level=1)).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Scope").select_option(scope)
    page.get_by_role("button", name="Create key").click()
    return page.locator("[data-token]").inner_text().strip()


def test_a_key_made_in_the_browser_works_until_it_is_revoked(page, shot, live_server):
    portal = create_portal("Acme Corp")
    add_member(portal, ADMIN, PASSWORD, is_super_admin=True)
    sync = quiet_sync(portal)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    token = create_key_in_browser(page, "Nightly CI", "write")
    shot("key shown once")
    calls = f"{live_server.url}/api/v1/syncs"
    auth = {"Authorization": f"Bearer {token}"}
    assert [s["id"] for s in requests.get(calls, headers=auth, timeout=10).json()["items"]] \
        == [sync.pk]

    page.goto(live_server.url + "/api-keys/")  # shown once: back on the page, no secret
    expect(page.locator("[data-token]")).to_have_count(0)
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    refused = requests.get(calls, headers=auth, timeout=10)
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"

    page.get_by_role("link", name="API reference").click()
    expect(page.get_by_text("GET /api/v1/syncs/{sync_id}/health")).to_be_visible()
    shot("reference")
