"""The new admin's whole job: connect Pipedrive, sync contacts and companies, watch
changes travel both ways, add a second Dynamics account, turn a sync off and on."""

import time

from playwright.sync_api import expect

from tests.kits.e2e.pages import Person, SandboxApp, settled
from tests.kits.e2e.stack import POLL_INTERVAL_S

PIPEDRIVE_LOGIN = "admin@northwind.example"
DYNAMICS_LOGINS = ("admin@contoso.example", "admin@fabrikam.example")
# Pipedrive people the scenario follows (connectors/pipedrive/sandbox/seed.py).
VERONICA = ("Veronica Hayes", "veronica.hayes@whitelane.com", "White-Lane")
GUY = ("Guy Lane", "guy.lane@rivera.co", "Referral")  # his lead source in Pipedrive
LEAD_SOURCES = ("Inbound", "Outbound", "Referral", "Event")


def install_pipedrive(me: Person, shot) -> None:
    page, t = me.page, me.t
    page.get_by_role("link", name=t("App Marketplace")).click()
    page.get_by_label(t("Search apps")).fill("Pipedrive")
    expect(page.locator(".app-card")).to_have_count(1)
    shot("marketplace-search")
    page.locator(".app-card", has_text="Pipedrive").click()
    expect(page.get_by_role("heading", name="Pipedrive", exact=True)).to_be_visible()
    page.get_by_role("link", name=t("Install app")).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    shot("install-dialog")
    dialog.get_by_role("button", name=t("Next")).click()
    shot("sandbox-consent")
    me.consent(PIPEDRIVE_LOGIN)
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("table")).to_contain_text(t("Connected"))
    shot("connected")


def start_wizard(me: Person, app_object: str) -> None:
    page, t = me.page, me.t
    page.get_by_role("link", name=t("Set up sync")).first.click()
    expect(page.get_by_role("heading", name=t("Choose an object to sync"))).to_be_visible()
    page.locator(f"input[name=object][value={app_object}]").check()
    page.get_by_role("button", name=t("Next")).click()


def configure_two_way_hub_wins(me: Person, shot) -> None:
    page, t = me.page, me.t
    expect(page.get_by_text(t("Choose your sync direction"))).to_be_visible()
    page.locator("input[name=direction][value=two_way]").check()
    page.get_by_label(t("Default app when values differ")).select_option("hub")
    shot("configure")
    page.get_by_role("button", name=t("Next")).click()


def create_lead_source_property(me: Person, shot) -> None:
    """The hub gets the dropdown Pipedrive's people already have."""
    page, t = me.page, me.t
    page.goto(me.stack.url + "/crm/contact/properties/")
    page.get_by_label(t("Label")).fill("Lead source")
    page.get_by_label(t("Field type")).select_option("enumeration")
    page.get_by_label(t("Options")).fill("\n".join(LEAD_SOURCES))
    page.get_by_role("button", name=t("Create property")).click()
    expect(page.locator("td.cell-name", has_text="Lead source")).to_be_visible()
    shot("custom-property")


def add_lead_source_mapping(me: Person, shot) -> None:
    """A custom mapping: Pipedrive's Lead source dropdown to the new hub dropdown."""
    page, t = me.page, me.t
    expect(page.get_by_role("heading", name=t("Map your fields"))).to_be_visible()
    page.get_by_role("link", name=t("Add a mapping")).click()
    panel = page.locator("#add-mapping")
    expect(panel).to_be_visible()
    settled(page)
    for menu, attribute in (("#add-app-field", "data-app-field"),
                            ("#add-hub-property", "data-hub-property")):
        value = panel.locator(f"{menu} option", has_text="Lead source").get_attribute("value")
        panel.locator(menu).select_option(value)
        expect(panel).to_have_attribute(attribute, value)
        settled(page)
    expect(panel.locator(".verdict-ok")).to_be_visible()
    for option in LEAD_SOURCES:  # each Pipedrive option becomes the hub's same option
        expect(panel.get_by_label(option, exact=True)).to_have_value(option)
    shot("custom-mapping")
    panel.get_by_role("button", name=t("Update")).click()
    expect(page.locator(".inline-flash-success")).to_be_visible()
    settled(page)
    shot("mappings")
    page.get_by_role("button", name=t("Next")).click()


def keep_email_only(me: Person, shot) -> None:
    page, t = me.page, me.t
    only_email = page.get_by_label(t("Sync only %(hub)s with an email address",
                                     hub=t("Contacts").lower()))
    expect(only_email).to_be_checked()
    shot("limits")
    page.get_by_role("button", name=t("Next")).click()


def review_and_save(me: Person, shot, with_dry_run: bool) -> None:
    page, t = me.page, me.t
    expect(page.get_by_role("heading", name=t("Review the rules"))).to_be_visible()
    if with_dry_run:
        counts = page.get_by_test_id("dry-run-counts")
        expect(counts).to_be_visible(timeout=90_000)  # a worker has read both sides
        for stat in ("created_app", "created_hub"):  # each side gets what it lacks
            expect(counts.locator(f"[data-stat={stat}] .stat-value")).not_to_have_text("0")
        shot("review-dry-run")
        # Should the dry run predict failures, saving needs the "I understand" box.
        accept_failures = page.get_by_test_id("confirm-failures").get_by_role("checkbox")
        if accept_failures.count():
            accept_failures.check()
    page.get_by_role("button", name=t("Save and sync")).click()
    expect(page.locator(".flash-success")).to_have_text(t("Saved. The initial sync has started."))
    progress = page.locator("#sync-progress")
    shot("progress")
    expect(progress).to_have_attribute("data-state", "done", timeout=180_000)
    shot("initial-sync-done")


def set_up_contacts(me: Person, shot) -> None:
    start_wizard(me, "persons")
    configure_two_way_hub_wins(me, shot)
    add_lead_source_mapping(me, shot)
    keep_email_only(me, shot)
    review_and_save(me, shot, with_dry_run=True)


def set_up_companies(me: Person, shot) -> None:
    page, t = me.page, me.t
    me.open_integration("Pipedrive")
    start_wizard(me, "organizations")
    for _step in ("configure", "mappings", "limits"):
        page.get_by_role("button", name=t("Next")).click()
    review_and_save(me, shot, with_dry_run=False)


def changes_travel_both_ways(me: Person, app: SandboxApp, shot) -> None:
    """A phone edited in Pipedrive reaches the hub; a hub edit reaches Pipedrive."""
    name, email, _company = VERONICA
    contact = me.hub_record("contact", email)
    app.sign_in()
    app.edit_person(name, phone="+1 710 555 0199")
    shot("app-phone-edited")
    me.until_shown("app→hub phone", contact, me.hub_property("Phone number"), "+1 710 555 0199",
                   started=time.monotonic())
    shot("hub-shows-app-phone")

    page, t = me.page, me.t
    page.get_by_role("link", name=t("Edit"), exact=True).click()
    page.get_by_label(t("Phone number"), exact=True).fill("+1 710 555 0142")
    page.get_by_role("button", name=t("Save")).click()
    expect(me.hub_property("Phone number")(page)).to_contain_text("+1 710 555 0142")
    started = time.monotonic()
    shot("hub-phone-edited")
    me.until_shown("hub→app phone", app.root, app.person_row(name), "+1 710 555 0142",
                   started=started)
    shot("app-shows-hub-phone")

    guy, guy_email, lead_source = GUY
    page.goto(me.hub_record("contact", guy_email))
    expect(page.locator(".record-name")).to_have_text(guy)
    lead = page.locator(".property", has=page.locator("dt", has_text="Lead source"))
    expect(lead.locator("dd")).to_have_text(lead_source)
    shot("custom-mapping-value-in-hub")


def associations_on_both_sides(me: Person, app: SandboxApp, shot) -> None:
    """Pipedrive's person→organization becomes a contact→company link, and back."""
    _name, email, company = VERONICA
    me.until_shown("app→hub association", me.hub_record("contact", email),
                   lambda p: p.locator(".assoc-item", has=p.get_by_role("link", name=company,
                                                                       exact=True)),
                   me.t("Primary"), started=time.monotonic())
    shot("hub-contact-with-company")

    hub_name, hub_company = me.stack.scalar(
        "SELECT c.display_name || '|' || co.display_name FROM crm_association a"
        " JOIN crm_record c ON c.id IN (a.from_record_id, a.to_record_id)"
        " JOIN crm_record co ON co.id IN (a.from_record_id, a.to_record_id)"
        " WHERE c.object_type = 'contact' AND co.object_type = 'company' AND a.is_primary"
        " AND c.email_key IS NOT NULL ORDER BY c.id LIMIT 1").split("|")
    me.until_shown("hub→app association", app.root + "/organizations",
                   lambda p: p.locator("tbody tr", has=p.get_by_role("cell", name=hub_company,
                                                                      exact=True)),
                   hub_name, started=time.monotonic())
    shot("app-organization-with-person")


def connect_second_dynamics_account(me: Person, shot) -> None:
    page, t = me.page, me.t
    first, second = DYNAMICS_LOGINS
    page.goto(me.stack.url + "/marketplace/")
    page.get_by_label(t("Search apps")).fill("Dynamics")
    page.locator(".app-card", has_text="Microsoft Dynamics 365").click()
    page.get_by_role("link", name=t("Install app")).click()
    page.get_by_role("dialog").get_by_role("button", name=t("Next")).click()
    me.consent(first)
    expect(page.locator(".flash-success")).to_be_visible()
    page.get_by_text(t("Actions"), exact=True).click()
    page.get_by_role("link", name=t("Manage accounts")).click()
    panel = page.get_by_role("dialog", name=t("Manage accounts"))
    panel.get_by_role("button", name=t("Connect another account")).click()
    me.consent(second)
    expect(page.locator("table tbody tr")).to_have_count(2)
    expect(page.locator("table tbody")).to_contain_text("Fabrikam")
    shot("dynamics-two-accounts")


def off_change_on_catches_up(me: Person, app: SandboxApp, shot) -> None:
    page, t = me.page, me.t
    name, email, _company = VERONICA
    me.open_integration("Pipedrive")
    page.locator("#object-syncs a", has_text=t("Persons")).first.click()
    me.actions("Turn off sync")
    dialog = page.get_by_role("dialog", name=t("Turn off sync?"))
    dialog.get_by_role("button", name=t("Turn off sync")).click()
    expect(page.locator("#sync-state-badge")).to_have_text(t("Off"))
    sync_page = page.url
    shot("sync-off")

    app.edit_person(name, phone="+1 710 555 0777")
    contact = me.hub_record("contact", email)
    # Two poll intervals with the sync off: the hub must not have moved.
    time.sleep(2 * POLL_INTERVAL_S)
    page.goto(contact)
    expect(me.hub_property("Phone number")(page)).not_to_contain_text("0777")
    shot("hub-unchanged-while-off")

    page.goto(sync_page)
    me.actions("Turn on sync")
    expect(page.locator("#sync-state-badge")).not_to_have_text(t("Off"))
    me.until_shown("catch-up after turning on", contact, me.hub_property("Phone number"),
                   "+1 710 555 0777", started=time.monotonic())
    shot("hub-caught-up")


def admin_scenario(me: Person, shot, admin_email: str) -> None:
    me.log_in(admin_email)
    shot("logged-in")
    create_lead_source_property(me, shot)
    install_pipedrive(me, shot)
    set_up_contacts(me, shot)
    app = SandboxApp(me, PIPEDRIVE_LOGIN)
    changes_travel_both_ways(me, app, shot)
    set_up_companies(me, shot)
    associations_on_both_sides(me, app, shot)
    connect_second_dynamics_account(me, shot)
    off_change_on_catches_up(me, app, shot)
