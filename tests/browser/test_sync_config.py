"""Syncs as code in the browser: download a sync's config, edit it, check it, apply it."""

import pytest
from playwright.sync_api import expect

from syncapp.syncs.models import ObjectSync
from tests.browser.test_sync_afterwards import (
    actions,
    admin_page,
    enqueued,
    northwind,
    set_up_contacts,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
__all__ = ["admin_page", "enqueued", "northwind"]  # fixtures, shared


def test_download_edit_check_and_apply_a_config(admin_page, shot, enqueued, tmp_path):
    page = admin_page
    set_up_contacts(page)
    sync = ObjectSync.objects.get()

    with page.expect_download() as download:
        actions(page, "Download config (YAML)")
    text = download.value.path().read_text()
    assert "winner: hub" in text
    edited = tmp_path / "persons.yaml"
    edited.write_text(text.replace("winner: hub", "winner: app"))

    page.reload()  # the download left the Actions menu open
    actions(page, "Apply a config")
    page.get_by_label("File (.yaml or .json)").set_input_files(str(edited))
    page.get_by_role("button", name="Check the file").click()
    plan = page.locator("#config-plan")
    expect(plan).to_contain_text("winner")
    expect(plan).to_contain_text('"app"')
    expect(page.locator("#config-dry-run")).to_contain_text("Matched")
    shot("config-checked")
    sync.refresh_from_db()
    assert sync.winner == "hub"  # checking changes nothing

    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Config applied: 1 updated")
    sync.refresh_from_db()
    assert sync.winner == "app"
