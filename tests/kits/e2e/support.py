"""Support brings back what people deleted: records deleted in Pipedrive show in the
failed panel and are resynced; a contact deleted in Syncapp stays in Pipedrive (deletes
never spread) and comes back with Restore all deleted records."""

import time

from playwright.sync_api import expect

from syncapp.crm.demo import DEMO_USERS
from tests.kits.e2e.admin import PIPEDRIVE_LOGIN
from tests.kits.e2e.pages import Person, SandboxApp

SUPPORT = DEMO_USERS[2].email
DELETED_IN_APP = ("Michelle Vaughn", "Owen Price")
DELETED_IN_HUB = ("Amanda Fitzgerald", "amanda.fitzgerald@jonespughthompson.com")


def failed_panel(me: Person) -> str:
    me.open_integration("Pipedrive")
    me.app_tab("Sync overview")
    row = me.page.locator("tr[data-sync]", has_text=me.t("Persons"))
    return me.stack.url + row.locator('a[data-count="failed"]').get_attribute("href")


def resync_records_deleted_in_the_app(me: Person, app: SandboxApp, shot, support: str) -> None:
    page, t = me.page, me.t
    app.sign_in()
    for name in DELETED_IN_APP:
        app.delete_person(name)
    shot("deleted-in-pipedrive")

    me.log_in(support)
    panel = failed_panel(me)
    me.until_shown("app deletes in the failed panel", panel,
                   lambda p: p.locator('.category-card[data-category="not_found"]'
                                       ' .category-count'),
                   str(len(DELETED_IN_APP)), started=time.monotonic())
    page.locator('.category-card[data-category="not_found"]').click()
    for name in DELETED_IN_APP:
        expect(page.locator("tbody")).to_contain_text(name)
    shot("failed-panel-deleted-in-app")

    page.locator("summary", has_text=t("Actions")).click()
    title = t("Resync records deleted in %(app)s", app="Pipedrive")
    page.locator(".menu-panel").get_by_role("link", name=title).click()
    dialog = page.get_by_role("dialog", name=title)
    shot("resync-dialog")
    dialog.get_by_role("button", name=t("Resync all")).click()
    expect(page.locator(".job-status.job-done")).to_be_visible(timeout=60_000)
    shot("resynced")

    page.goto(app.root)
    for name in DELETED_IN_APP:
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    shot("back-in-pipedrive")


def restore_records_deleted_in_the_hub(me: Person, app: SandboxApp, shot) -> None:
    page, t = me.page, me.t
    name, email = DELETED_IN_HUB
    contact = me.hub_record("contact", email)
    page.goto(contact)
    page.once("dialog", lambda confirm: confirm.accept())
    page.get_by_role("button", name=t("Delete"), exact=True).click()
    page.goto(contact)
    expect(page.locator(".banner-danger")).to_be_visible()
    shot("deleted-in-syncapp")

    # Deletes never spread: Pipedrive keeps the person.
    page.goto(app.root)
    expect(page.locator("tbody tr", has_text=email)).to_contain_text(name)

    panel = failed_panel(me)
    me.until_shown("hub delete in the failed panel", panel,
                   lambda p: p.locator('.category-card[data-category="deleted_in_hub"]'),
                   "1", started=time.monotonic())
    me.app_tab("Sync overview")
    page.get_by_role("link", name=t("Record view")).click()
    page.locator("summary", has_text=t("More")).click()
    page.get_by_role("link", name=t("Restore all deleted records")).click()
    drawer = page.get_by_role("dialog", name=t("Restore all deleted records"))
    sync_id = drawer.locator("select[name=sync] option",
                             has_text=t("Persons")).get_attribute("value")
    drawer.locator("select[name=sync]").select_option(sync_id)
    drawer.locator("select[name=target]").select_option("hub")
    drawer.get_by_role("button", name=t("Review before restoring")).click()
    drawer = page.get_by_role("dialog", name=t("Restore all deleted records"))
    expect(drawer.locator(".review-list li")).to_have_count(1)
    expect(drawer.locator(".review-list")).to_contain_text(name)
    shot("restore-review")
    drawer.get_by_role("button", name=t.plural(
        "Restore %(n)s record", "Restore all %(n)s", 1, n=1)).click()
    expect(page.locator(".job-status.job-done")).to_be_visible(timeout=60_000)
    shot("restored")
    page.goto(contact)
    expect(page.locator(".banner-danger")).to_have_count(0)
    expect(page.locator(".record-name")).to_have_text(name)
    shot("contact-restored")


def support_scenario(me: Person, shot, support: str = SUPPORT) -> None:
    app = SandboxApp(me, PIPEDRIVE_LOGIN)
    resync_records_deleted_in_the_app(me, app, shot, support)
    restore_records_deleted_in_the_hub(me, app, shot)
