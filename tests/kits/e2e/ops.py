"""Ops reads the sync health: the overview, the object view's counts against the
data, failed records by category with their tips, the record view's filters and
columns, and an export opened as a file."""

import csv

from django.utils import translation
from playwright.sync_api import expect

from syncapp.crm.demo import DEMO_USERS
from syncapp.health.tips import error_tip
from tests.kits.e2e.pages import Person

OPS = DEMO_USERS[1].email


def link_counts(me: Person, sync_id: str) -> dict[str, int]:
    """What the links table says: in sync, excluded, and every other status as failed."""
    rows = me.stack.rows("SELECT status, count(*) FROM syncs_link WHERE object_sync_id = %s"
                         " GROUP BY status", int(sync_id))
    counts = {"in_sync": 0, "excluded": 0, "failed": 0}
    for status, count in rows:
        counts[status if status in ("in_sync", "excluded") else "failed"] += count
    return counts


def object_view_matches_the_data(me: Person, shot) -> str:
    page = me.page
    me.open_integration("Pipedrive")
    me.app_tab("Sync overview")
    expect(page.locator(".chart-svg")).to_be_visible()
    shot("sync-overview")
    row = page.locator("tr[data-sync]", has_text=me.t("Persons"))
    sync_id = row.get_attribute("data-sync")
    counts = link_counts(me, sync_id)
    assert counts["failed"] > 0, "the demo's nameless contacts should fail in Pipedrive"
    for name, count in counts.items():
        expect(row.locator(f'a[data-count="{name}"]')).to_have_text(f"{count:,}")
    shot("object-view-counts")
    return sync_id


def failed_by_category_with_tips(me: Person, shot, sync_id: str) -> None:
    page, t = me.page, me.t
    page.locator(f'tr[data-sync="{sync_id}"] a[data-count="failed"]').click()
    category = me.stack.scalar(
        "SELECT error_category FROM syncs_link WHERE object_sync_id = %s AND status = 'failed'"
        " GROUP BY error_category ORDER BY count(*) DESC LIMIT 1", int(sync_id))
    card = page.locator(f'.category-card[data-category="{category}"]')
    card.click()
    failed_here = me.stack.scalar("SELECT count(*) FROM syncs_link WHERE object_sync_id = %s"
                                  " AND error_category = %s", int(sync_id), category)
    expect(page.locator("tbody tr")).to_have_count(failed_here)
    card.hover()
    with translation.override(t.lang):
        tip = error_tip(category, "Pipedrive")
    expect(card.get_by_role("tooltip")).to_be_visible()
    expect(card.get_by_role("tooltip")).to_contain_text(tip.steps[0])
    shot("failed-by-category-with-tip")
    page.get_by_role("link", name=t("Excluded")).click()
    expect(page.locator(".identifier-table")).to_contain_text(t("Email address"))
    shot("excluded-with-identifiers")


def record_view_filters_and_columns(me: Person, shot) -> int:
    page, t = me.page, me.t
    me.app_tab("Sync overview")
    page.get_by_role("link", name=t("Record view")).click()
    page.locator(".filters").get_by_label(t("Sync status")).select_option("failed")
    failed = me.stack.scalar("SELECT count(*) FROM syncs_link WHERE status = 'failed'")
    expect(page.locator("#record-table tbody tr")).to_have_count(failed)
    shot("record-view-failed")

    page.locator("summary", has_text=t("More")).click()
    page.get_by_role("link", name=t("Edit columns")).click()
    dialog = page.get_by_role("dialog", name=t("Edit columns"))
    dialog.locator("input[name=column][value=first_seen]").check()
    dialog.locator("input[name=position_first_seen]").fill("1")  # first, and Object last
    dialog.locator("input[name=position_object]").fill("10")
    shot("edit-columns")
    dialog.get_by_role("button", name=t("Save columns")).click()
    expect(page.locator("#record-table thead th").first).to_have_text(t("First seen"))
    shot("record-view-with-column")
    return failed


def start_export(me: Person) -> None:
    """More → Export → Export: the records the view shows, in its columns, as CSV."""
    page, t = me.page, me.t
    page.locator("summary", has_text=t("More")).click()
    page.get_by_role("link", name=t("Export")).click()
    page.get_by_role("dialog", name=t("Export records")).get_by_role(
        "button", name=t("Export")).click()


def check_exported_file(me: Person, path, rows: int) -> None:
    with open(path, newline="", encoding="utf-8-sig") as file:
        table = list(csv.reader(file))
    assert len(table) == 1 + rows, table  # the header, then the filtered records
    assert table[0][0] == me.t("First seen")  # in the chosen columns' order and language


def export_and_open(me: Person, shot, rows: int) -> None:
    page, t = me.page, me.t
    start_export(me)
    download_link = page.get_by_role("link", name=t("Download file"))
    expect(download_link).to_be_visible(timeout=60_000)
    shot("export-ready")
    with page.expect_download() as info:
        download_link.click()
    check_exported_file(me, info.value.path(), rows)


def ops_scenario(me: Person, shot) -> None:
    me.log_in(OPS)
    sync_id = object_view_matches_the_data(me, shot)
    failed_by_category_with_tips(me, shot, sync_id)
    rows = record_view_filters_and_columns(me, shot)
    export_and_open(me, shot, rows)
