"""A super admin in the browser creates an API key, sets up a webhook and the alert
rules, then sees an alert open when the app stops accepting the account and resolve
once it is reconnected (a script holding the key reads the account's status each time);
a real worker and beat evaluate and deliver, a local receiver checks the webhook
signatures, and the ops member's mail arrives."""

import pytest
import requests
from playwright.sync_api import expect

from connectors.hubspot import HubSpotConnector
from syncapp.accounts.services import add_member, create_portal
from syncapp.integrations import sandbox_state
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.syncs.configure import create_object_sync
from syncapp.syncs.models import SyncState
from syncapp.syncs.run.runner import SyncRunner
from tests.browser.test_api_keys import create_key_in_browser
from tests.browser.test_connect_apps import consent_in_sandbox
from tests.kits.alerts import WORKER_ENV, Outbox
from tests.kits.receiver import receiving
from tests.kits.stack import celery, wait_until
from tests.kits.worker import own_queue, worker_on

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.worker]

PASSWORD = "an-alerts-password"
ADMIN, OPS = "admin@acme.test", "ops@acme.test"
HUBSPOT_LOGIN = "admin@acmecorp.example"


@pytest.fixture
def stack(live_sandboxes, settings, tmp_path):
    """Acme's super admin and ops member; a worker and a beat that checks alerts every
    two seconds; a local webhook receiver; the worker's outbox."""
    settings.OUTBOUND_ALLOW_PRIVATE = True
    portal = create_portal("Acme Corp")
    add_member(portal, ADMIN, PASSWORD, is_super_admin=True)
    add_member(portal, OPS, PASSWORD, can_view_health=True)
    outbox = Outbox(tmp_path / "mail")
    env = {**WORKER_ENV, "EMAIL_FILE_PATH": str(outbox.folder), "ALERTS_EVALUATE_S": "2"}
    with receiving() as receiver, own_queue() as queue, \
            worker_on(queue, live_sandboxes, tmp_path / "worker.log", **env), \
            celery("beat", "-s", str(tmp_path / "beat-schedule"), log=tmp_path / "beat.log",
                   SYNCAPP_TEST_QUEUE=queue, SITE_URL=live_sandboxes, **env):
        yield portal, receiver, outbox


def open_settings_page(page, name: str) -> None:
    page.locator("details.usermenu summary").click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def connect_hubspot(page) -> None:
    page.get_by_role("link", name="App Marketplace").click()
    page.get_by_label("Search apps").fill("HubSpot")
    page.locator(".app-card", has_text="HubSpot").click()
    page.get_by_role("link", name="Install app").click()
    page.get_by_role("dialog").get_by_role("button", name="Next").click()
    consent_in_sandbox(page, HUBSPOT_LOGIN)
    expect(page.locator(".flash-success")).to_contain_text("is connected")


def alert_row(page, kind: str, state: str):
    return page.locator(f'tr[data-alert="{kind}"][data-state="{state}"]')


def wait_for_row(page, kind: str, state: str) -> bool:
    """Reload the Alerts page until the alert shows in `state` (beat checks every 2 s)."""
    def shown() -> bool:
        page.reload()
        return alert_row(page, kind, state).count() == 1
    return wait_until(shown, timeout=60, every=1)


def set_up_webhook(page, receiver) -> None:
    """Subscribe the receiver to alerts; it learns the secret the page shows once."""
    open_settings_page(page, "Webhooks")
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Alert opened").check()
    page.get_by_label("Alert resolved").check()
    page.get_by_role("button", name="Add webhook").click()
    secret = page.locator("#webhook-secret").inner_text()
    assert secret.startswith("whsec_")
    receiver.secrets.append(secret)
    expect(page.locator("tr[data-subscription]")).to_have_count(1)


def set_up_rules(page) -> None:
    """Alert on a connection to reconnect, and tell support as well as ops; a failing
    sync alerts through its own rule, switched off here to watch one alert."""
    open_settings_page(page, "Alerts")
    page.locator("#failing-enabled").uncheck()
    page.locator("#failed_records-percent").fill("20")
    page.locator('input[name="roles"][value="support"]').check()
    page.get_by_role("button", name="Save rules").click()
    expect(page.locator(".flash-success")).to_contain_text("Alert rules saved.")
    expect(page.locator("#failed_records-percent")).to_have_value("20")


def break_connection(sync) -> None:
    """The app revokes every token; the next run fails and marks the account."""
    sandbox = sandbox_state.in_process("hubspot")
    with sandbox.lock:
        sandbox.access_tokens.clear()
        sandbox.revoke_refresh_tokens()
    sync.refresh_from_db()
    SyncRunner(sync).run_for(30)
    sync.connection.refresh_from_db()
    assert sync.connection.status == ConnectionStatus.NEEDS_RECONNECT


def reconnect(page, base: str) -> None:
    page.goto(f"{base}/integrations/hubspot/")
    page.locator("summary", has_text="Actions").first.click()
    page.get_by_role("link", name="Manage accounts").click()
    page.get_by_role("dialog", name="Manage accounts").get_by_role(
        "button", name="Reconnect").click()
    consent_in_sandbox(page, HUBSPOT_LOGIN)
    expect(page.locator(".flash-success")).to_be_visible()


def connection_status(base: str, token: str) -> str:
    """The account's status as a script holding the API key reads it."""
    reply = requests.get(f"{base}/api/v1/connections", timeout=10,
                         headers={"Authorization": f"Bearer {token}"})
    [connection] = reply.json()["items"]
    return connection["status"]


def test_webhook_and_rule_set_up_then_an_alert_opens_and_resolves(page, shot, live_sandboxes,
                                                                   stack):
    portal, receiver, outbox = stack
    page.goto(live_sandboxes + "/accounts/login/")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    connect_hubspot(page)
    sync = create_object_sync(Connection.objects.get(portal=portal, app_key="hubspot"),
                              "contacts", HubSpotConnector)
    sync.state = SyncState.ON
    sync.save()

    token = create_key_in_browser(page, "Monitoring", "read")
    shot("api-key-created")

    set_up_webhook(page, receiver)
    shot("webhook-created")
    set_up_rules(page)
    shot("rules-saved")

    break_connection(sync)
    assert wait_for_row(page, "needs_reconnect", "open")
    expect(alert_row(page, "needs_reconnect", "open")).to_contain_text(OPS)
    shot("alert-open")
    assert connection_status(live_sandboxes, token) == "needs_reconnect"  # a script sees it

    reconnect(page, live_sandboxes)
    page.goto(f"{live_sandboxes}/settings/alerts/")
    assert wait_for_row(page, "needs_reconnect", "resolved")
    shot("alert-resolved")
    assert connection_status(live_sandboxes, token) == "connected"

    assert wait_until(lambda: receiver.accepted("alert.resolved"), timeout=60)
    assert [r.event for r in receiver.received] == ["alert.opened", "alert.resolved"]
    assert all(r.signature_valid for r in receiver.received)
    mails = outbox.wait_for(2)
    assert sorted(m.to for m in mails) == [OPS, OPS]  # ops and support: Acme has no support
    assert [m.subject.split(":")[0] for m in mails] == ["Alert", "Resolved"]
