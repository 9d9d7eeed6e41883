"""Ops and support staff in the browser: the sync health dashboard and support tools.

A HubSpot sandbox account served by the live server is synced by the real engine
into a mixed state (in sync, excluded, failed by category, deleted on each side);
a real Celery worker then runs the resyncs, restores and exports people start.
"""

import csv

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from connectors.hubspot import HubSpotConnector
from syncapp.accounts.services import add_member, create_portal
from syncapp.crm.models import Record
from syncapp.integrations import sandbox_state
from syncapp.syncs.models import Link, LinkStatus
from tests.kits.engine import App, connect_account
from tests.kits.health import build_mixed
from tests.kits.worker import sync_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser, pytest.mark.worker]

PASSWORD = "a-health-password"
OPS, SUPPORT = "ops@acme.test", "support@acme.test"


@pytest.fixture
def acme(live_sandboxes, settings, tmp_path, monkeypatch):
    """A portal with a HubSpot account in a mixed state, and its ops and support staff."""
    settings.EXPORT_ROOT = str(tmp_path / "exports")
    monkeypatch.setenv("EXPORT_ROOT", settings.EXPORT_ROOT)  # the worker's too
    portal = create_portal("Acme Corp")
    add_member(portal, OPS, PASSWORD, can_view_health=True)
    add_member(portal, SUPPORT, PASSWORD, can_support=True)
    url = f"{live_sandboxes}/sandbox/hubspot"
    sandbox = sandbox_state.in_process("hubspot")
    app = App(HubSpotConnector, sandbox, url,
              connect_account(HubSpotConnector, portal, url, "admin@acmecorp.example"))
    mixed = build_mixed(portal, app)
    with sync_worker(live_sandboxes, tmp_path / "worker.log"):
        yield mixed


def log_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Contacts", exact=True, level=1)).to_be_visible()


def open_sync_overview(page) -> None:
    page.get_by_text("Data management").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Integrations").click()
    page.get_by_role("link", name="HubSpot").first.click()
    app_tab(page, "Sync overview")
    expect(page.get_by_role("heading", name="Idle")).to_be_visible()


def app_tab(page, name: str) -> None:
    page.get_by_role("navigation", name="App sections").get_by_role("link", name=name).click()


def object_count(page, name: str):
    return page.locator(f'a[data-count="{name}"]')


def test_ops_reads_the_dashboard_opens_failed_records_and_exports(page, shot, live_sandboxes,
                                                                   acme):
    log_in(page, live_sandboxes, OPS)
    open_sync_overview(page)
    expect(page.locator(".chart-svg")).to_be_visible()
    failed = Link.objects.filter(object_sync=acme.sync).exclude(
        status__in=[LinkStatus.IN_SYNC, LinkStatus.EXCLUDED]).count()
    expect(object_count(page, "failed")).to_have_text(str(failed))
    shot("sync-overview")

    object_count(page, "failed").click()
    cards = page.locator(".category-card")
    expect(cards).to_have_count(5)
    card = page.locator('[data-category="invalid_value"]')
    card.click()
    expect(page.locator("tbody tr")).to_have_count(3)
    card.hover()
    expect(card.get_by_role("tooltip")).to_be_visible()
    expect(card.get_by_role("tooltip")).to_contain_text("correct the value")
    shot("failed-by-category-with-tip")
    expect(page.locator("summary", has_text="Actions")).to_have_count(0)  # ops may not resync
    expect(page.get_by_role("button", name="Retry selected")).to_have_count(0)

    page.get_by_role("link", name="Excluded").click()
    expect(page.locator(".identifier-table")).to_contain_text("Email address")
    expect(page.locator("table").first).to_contain_text("No email address")
    shot("excluded-with-identifiers")

    app_tab(page, "Sync overview")
    page.get_by_role("link", name="Record view").click()
    page.locator(".filters").get_by_label("Sync status").select_option("failed")
    # "Failed" here counts what the overview counts: the deleted records too.
    failed_records = Link.objects.filter(object_sync=acme.sync).counted_as_failed().count()
    expect(page.locator(".table-meta")).to_have_text(f"{failed_records} records")
    shot("record-view-failed")
    page.locator("summary", has_text="More").click()
    page.get_by_role("link", name="Export").click()
    page.get_by_role("dialog", name="Export records").get_by_role("button", name="Export").click()
    expect(page.locator(".flash-success")).to_contain_text("e-mail")
    download_link = page.get_by_role("link", name="Download file")
    expect(download_link).to_be_visible(timeout=60_000)
    shot("export-ready")
    with page.expect_download() as info:
        download_link.click()
    with open(info.value.path(), newline="", encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    assert len(rows) == 1 + failed_records
    assert rows[0][0] == "Object"

    a_bad_period_is_reported_in_place_of_the_table(page, failed_records)

    page.locator(".filters").get_by_label("Sync status").select_option("in_sync")
    expect(page.locator("tbody .badge-danger")).to_have_count(0)
    page.locator("tbody tr").first.get_by_role("link", name="Sync history").click()
    expect(page.locator(".history-card")).to_be_visible()
    expect(page.locator(".timeline-item").first).to_contain_text("Created")
    shot("record-sync-history")


def a_bad_period_is_reported_in_place_of_the_table(page, records: int) -> None:
    """A custom period without dates is refused (400) and says so where the table was;
    choosing a valid period brings the table back."""
    page.locator(".filters").get_by_label("Time period").select_option("custom")
    expect(page.locator("#record-table .field-error")).to_have_text(
        "From: enter a start date, an end date, or both.")
    page.locator(".filters").get_by_label("Time period").select_option("")
    expect(page.locator(".table-meta")).to_have_text(f"{records} records")


def test_a_failed_row_opens_the_record_in_the_app(page, shot, live_sandboxes, acme):
    connection = acme.app.connection  # the account's details, as connecting keeps them
    connection.account_extra = {**connection.account_extra,
                                **acme.app.connector().account_info().extra}
    connection.save()
    log_in(page, live_sandboxes, OPS)
    open_sync_overview(page)
    object_count(page, "failed").click()
    page.locator('[data-category="deleted_in_hub"]').click()
    link = page.locator("tbody tr").first.get_by_role("link", name="Open in HubSpot")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener")
    shot("failed-row-with-app-link")

    with page.context.expect_page() as opened:
        link.click()
    vendor = opened.value
    vendor.wait_for_load_state()
    app_id = Link.objects.get(object_sync=acme.sync, status=LinkStatus.DELETED_IN_HUB).app_id
    assert vendor.url == (f"{live_sandboxes}/sandbox/hubspot/contacts/4410001/record/0-1/"
                          f"{app_id}")
    expect(vendor.get_by_role("heading", level=1)).to_have_text("Hub1")
    expect(vendor.locator("table")).to_contain_text("hub1@mixed.example")
    expect(page.locator('[data-category="deleted_in_hub"]')).to_be_visible()  # still here


def test_support_resyncs_restores_retries_and_exports(page, shot, live_sandboxes, acme):
    log_in(page, live_sandboxes, SUPPORT)
    open_sync_overview(page)
    object_count(page, "failed").click()
    shot("failed-panel")

    # Resync the record deleted in HubSpot, and watch it come back.
    page.locator("summary", has_text="Actions").click()
    page.get_by_role("link", name="Resync records deleted in HubSpot").click()
    dialog = page.get_by_role("dialog", name="Resync records deleted in HubSpot")
    shot("resync-dialog")
    dialog.get_by_role("button", name="Resync all").click()
    expect(page.locator(".job-status")).to_contain_text("1 record succeeded", timeout=60_000)
    shot("resynced")
    assert "hub0@mixed.example" in [v.get("email") for v in acme.app.all("contacts").values()]
    expect(page.locator('[data-category="not_found"]')).to_have_count(0)

    # Retry every failed record of one category.
    page.locator('[data-category="invalid_value"]').click()
    page.get_by_role("button", name="Retry all 3").click()
    expect(page.locator(".job-status").first).to_contain_text("3 records succeeded",
                                                              timeout=60_000)
    shot("retried")

    # Restore the record deleted in Syncapp from the record view, after the review.
    app_tab(page, "Sync overview")
    page.get_by_role("link", name="Record view").click()
    page.locator("summary", has_text="More").click()
    page.get_by_role("link", name="Restore all deleted records").click()
    panel = page.get_by_role("dialog", name="Restore all deleted records")
    panel.get_by_label("Record type").select_option(label="Contacts ↔ Contacts")
    panel.get_by_label("Target app").select_option("hub")
    panel.get_by_role("button", name="Review before restoring").click()
    panel = page.get_by_role("dialog", name="Restore all deleted records")
    expect(panel.locator(".review-list li")).to_have_count(1)
    expect(panel.locator(".review-list")).to_contain_text("Hub1")
    shot("restore-review")
    panel.get_by_role("button", name="Restore 1 record").click()
    expect(page.locator(".job-status").first).to_contain_text("1 record succeeded",
                                                              timeout=60_000)
    shot("restored")
    record = Record.objects.get(email_key="hub1@mixed.example")
    assert record.archived_at is None

    # Export to Excel and open the file.
    page.locator("summary", has_text="More").click()
    page.get_by_role("link", name="Export").click()
    export = page.get_by_role("dialog", name="Export records")
    export.get_by_label("Excel (.xlsx)").check()
    export.get_by_role("button", name="Export").click()
    download_link = page.get_by_role("link", name="Download file")
    expect(download_link).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename.endswith(".xlsx")
    with open(info.value.path(), "rb") as file:
        sheet = load_workbook(file).active
    assert sheet.max_row == 1 + Link.objects.filter(object_sync=acme.sync).count()
    shot("excel-export")
