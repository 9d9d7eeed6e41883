"""A new admin sets up a two-way contacts sync with Pipedrive, step by step, in the browser.

Connects the account through the marketplace and the sandbox's consent page, then
walks the wizard: a custom dropdown mapping with its value map, a refused pair, the
email-only limit and a filter, the dry run, Save and sync — and watches a real Celery
worker run the initial sync to the end.
"""

import pytest
from playwright.sync_api import expect

from syncapp.accounts.services import add_member, create_portal
from syncapp.crm.properties import create_custom_property
from syncapp.crm.services import create_record
from syncapp.syncs.models import ObjectSync, Run, SyncState
from tests.browser.conftest import PIPEDRIVE
from tests.browser.test_connect_apps import consent_in_sandbox
from tests.kits.worker import sync_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.worker]

PASSWORD = "a-new-admin-password"
ADMIN = "founder@northwind.test"


@pytest.fixture
def northwind(db):
    """A portal whose CRM already holds some of the people Pipedrive has."""
    portal = create_portal("Northwind Traders")
    add_member(portal, ADMIN, PASSWORD, is_super_admin=True)
    create_custom_property(portal, "contact", label="Lead source", kind="enumeration",
                           options_text="Inbound\nOutbound\nReferral\nEvent")
    for values in (
        {"email": "veronica.hayes@whitelane.com", "firstname": "Veronica",
         "lastname": "Hayes", "phone": "+1 710 555 0100"},
        {"email": "guy.lane@rivera.co", "firstname": "Guy", "lastname": "Lane"},
        {"email": "hub.only@acme.example", "firstname": "Hub", "lastname": "Only"},
        {"firstname": "No", "lastname": "Email"},
    ):
        create_record(portal, "contact", values)
    return portal


HTMX_BUSY = ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added"


def settled(page) -> None:
    """Wait until htmx has swapped and set up the new content (its handlers included)."""
    page.wait_for_function(f"() => !document.querySelector({HTMX_BUSY!r})")


def log_in(page, base: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Contacts", exact=True, level=1)).to_be_visible()


def connect_pipedrive(page, base: str) -> None:
    _app, login, _other = PIPEDRIVE
    page.goto(base + "/marketplace/pipedrive/")
    page.get_by_role("link", name="Install app").click()
    page.get_by_role("dialog").get_by_role("button", name="Next").click()
    consent_in_sandbox(page, login)
    expect(page.locator(".flash-success")).to_contain_text("is connected")


def choose_and_configure(page, shot) -> None:
    page.get_by_role("link", name="Set up sync").first.click()
    expect(page.get_by_role("heading", name="Choose an object to sync")).to_be_visible()
    shot("choose-object")
    page.get_by_text("Persons in Pipedrive with Contacts in Syncapp").click()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_text("Choose your sync direction")).to_be_visible()
    page.get_by_text("Two-way sync").click()
    page.get_by_label("Default app when values differ").select_option(label="Syncapp")
    expect(page.get_by_text("never overrides the sync direction")).to_be_visible()
    expect(page.locator(".identifier-table")).to_contain_text("Email address")
    page.get_by_label("Lifecycle stage").select_option(label="Lead")
    shot("configure")
    page.get_by_role("button", name="Next").click()


def map_fields(page, shot) -> None:
    expect(page.get_by_role("heading", name="Map your fields")).to_be_visible()
    email = page.locator("tr", has=page.locator("td.cell-name", has_text="Email"))
    expect(email.locator(".required-mark")).to_be_visible()
    expect(email.locator("input[type=checkbox]")).to_have_count(0)  # not removable
    shot("mappings")

    # Turn one default mapping off: htmx saves it at once.
    job = page.locator("tr", has=page.locator("td.cell-name", has_text="Job title"))
    job.get_by_role("checkbox").uncheck()
    expect(page.locator("tr.is-off", has_text="Job title")).to_be_visible()
    settled(page)

    page.get_by_role("link", name="Add a mapping").click()
    panel = page.locator("#add-mapping")
    expect(panel).to_be_visible()
    settled(page)
    # A refused pair: the rule is shown and Update stays off.
    panel.get_by_label("Syncapp property").select_option(
        label="Unsubscribed from all email · single checkbox")
    expect(panel).to_have_attribute("data-hub-property", "hs_email_optout")
    settled(page)
    panel.get_by_label("Pipedrive field").select_option(label="Birthday · date")
    expect(panel).to_have_attribute("data-app-field", "birthday")
    settled(page)
    expect(panel.locator(".verdict-refused")).to_contain_text("can't be mapped")
    expect(panel.get_by_role("button", name="Update")).to_be_disabled()
    shot("mapping-refused")

    # A dropdown pair: only compatible properties are offered, options map one to one.
    panel.get_by_label("Pipedrive field").select_option(label="Lead source · dropdown")
    expect(panel).not_to_have_attribute("data-app-field", "birthday")
    settled(page)
    hub_menu = panel.get_by_label("Syncapp property")
    expect(hub_menu.locator("option", has_text="Unsubscribed from all email")).to_have_count(1)
    expect(hub_menu.locator("option", has_text="First name")).to_have_count(0)
    hub_menu.select_option(label="Lead source · ⇄ both ways")
    expect(panel).not_to_have_attribute("data-hub-property", "hs_email_optout")
    settled(page)
    expect(panel.locator(".verdict-ok")).to_contain_text("Syncs both ways")
    expect(panel.get_by_label("Referral")).to_have_value("Referral")
    shot("mapping-value-map")
    panel.get_by_role("button", name="Update").click()
    expect(page.locator(".inline-flash-success")).to_contain_text("Mapping added")
    custom = page.locator("tr", has=page.locator("td.cell-name", has_text="Lead source"))
    expect(custom.locator(".badge", has_text="Custom")).to_be_visible()
    expect(custom).to_contain_text("Referral → Referral")
    settled(page)

    page.locator("summary", has_text="All mappings").click()
    page.get_by_role("link", name="Association mappings").click()
    expect(page.locator(".association-table")).to_contain_text("Needs another sync first")
    shot("association-mappings")
    page.get_by_role("button", name="Next").click()


def limit(page, shot) -> None:
    expect(page.get_by_text("Limits apply to the initial linking of records only")).to_be_visible()
    expect(page.get_by_label("Sync only contacts with an email address")).to_be_checked()
    row = page.locator(".limit-row", has_text="Pipedrive → Syncapp")
    row.get_by_role("link", name="Edit").click()
    drawer = page.get_by_role("dialog", name="Pipedrive → Syncapp")
    expect(drawer).to_be_visible()
    condition = drawer.locator(".condition-row").first
    drawer.get_by_label("Property", exact=True).select_option(label="Name")
    expect(condition).to_have_attribute("data-field", "name")
    settled(page)
    drawer.get_by_label("Condition", exact=True).select_option(label="is not")
    expect(condition).to_have_attribute("data-operator", "is_not")
    settled(page)
    drawer.get_by_label("Value", exact=True).fill("Madonna")
    shot("filter-panel")
    drawer.get_by_role("button", name="Done").click()
    expect(page.locator(".condition-list")).to_contain_text("Name is not “Madonna”")
    shot("limits")
    page.get_by_role("button", name="Next").click()


def review(page, shot) -> None:
    expect(page.get_by_role("heading", name="Review the rules")).to_be_visible()
    counts = page.get_by_test_id("dry-run-counts")
    expect(counts).to_be_visible(timeout=60_000)  # a worker has read both sides
    for stat, value in (("matched", "2"), ("created_app", "1")):
        expect(counts.locator(f"[data-stat={stat}] .stat-value")).to_have_text(value)
    expect(page.locator(".sample", has_text="Excluded: No email address")).to_have_count(2)
    expect(page.locator(".sample", has_text="Excluded: Don't match the filters")).to_be_visible()
    summary = page.locator(".summary-list")
    expect(summary).to_contain_text("Only contacts with an email address sync.")
    expect(summary).to_contain_text("only records where Name is not “Madonna”")
    expect(summary).to_contain_text("(1 custom)")
    shot("review-dry-run")


def test_admin_sets_up_a_two_way_contacts_sync_and_watches_it_run(
    page, shot, live_sandboxes, northwind, tmp_path
):
    # The worker computes the dry run on Review and runs the sync after Save and sync.
    with sync_worker(live_sandboxes, tmp_path / "worker.log"):
        log_in(page, live_sandboxes)
        connect_pipedrive(page, live_sandboxes)
        shot("app-page")
        choose_and_configure(page, shot)
        map_fields(page, shot)
        limit(page, shot)
        review(page, shot)

        page.get_by_role("button", name="Save and sync").click()
        expect(page.locator(".flash-success")).to_contain_text("The initial sync has started")
        shot("progress")
        progress = page.locator("#sync-progress")
        expect(progress).to_have_attribute("data-state", "done", timeout=90_000)
    expect(progress.locator(".progress-status")).to_contain_text("Finished")
    shot("finished")

    sync = ObjectSync.objects.get()
    run = Run.objects.get(object_sync=sync)
    assert sync.state == SyncState.ON and sync.initial_done
    assert run.counts["matched"] == 2
    assert run.counts["created_app"] == 1
    expect(progress.locator("[data-count=matched]")).to_have_text("2")


def test_a_dropdown_mapping_left_as_it_is_is_refused_naming_the_options(
    page, shot, live_sandboxes, northwind
):
    """Pipedrive sends its option ids: left as they are, Syncapp's dropdown refuses them."""
    log_in(page, live_sandboxes)
    connect_pipedrive(page, live_sandboxes)
    choose_and_configure(page, shot)
    expect(page.get_by_role("heading", name="Map your fields")).to_be_visible()
    page.get_by_role("link", name="Add a mapping").click()
    panel = page.locator("#add-mapping")
    settled(page)
    panel.get_by_label("Pipedrive field").select_option(label="Lead source · dropdown")
    settled(page)
    panel.get_by_label("Syncapp property").select_option(label="Lead source · ⇄ both ways")
    expect(panel).to_have_attribute("data-hub-property", "lead_source")
    settled(page)
    for option in ("Inbound", "Outbound", "Referral", "Event"):
        panel.get_by_label(option, exact=True).select_option(label="Leave as it is")

    panel.get_by_role("button", name="Update").click()

    expect(panel.locator(".field-error")).to_contain_text(
        "Choose a Syncapp option for “Inbound”, “Outbound”, “Referral”, “Event”: left as they "
        "are, Syncapp's “Lead source” refuses them.")
    shot("value-map-refused")
    expect(page.locator("td.cell-name", has_text="Lead source")).to_have_count(0)
    assert not ObjectSync.objects.get().mappings.filter(hub_property="lead_source").exists()
