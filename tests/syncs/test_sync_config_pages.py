"""Syncs as code on the pages and on the command line: download, check, apply."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.syncs import config
from syncapp.syncs.models import ObjectSync
from tests.syncs.kit import CONFIGURE, post_step, snapshot, text_of, url

pytestmark = pytest.mark.django_db


def apply_url(sync) -> str:
    return reverse("syncs:config_apply", args=[sync.connection.app_key, sync.connection_id])


def edited_yaml(sync, **changes) -> str:
    doc = config.export_document(sync)
    doc["syncs"][0].update(changes)
    return config.dump(doc, "yaml")


def check(client, sync, text: str, name: str = "syncs.yaml"):
    return client.post(apply_url(sync), {"step": "check",
                                         "file": SimpleUploadedFile(name, text.encode())})


FINGERPRINT = 'name="fingerprint" value="'


def fingerprint_of(response) -> str:
    html = response.content.decode()
    start = html.index(FINGERPRINT) + len(FINGERPRINT)
    return html[start:html.index('"', start)]


# --- downloads -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_the_sync_page_downloads_its_config(admin_client, hand_made, fmt):
    assert "Download config (YAML)" in text_of(admin_client.get(url("detail", hand_made)))
    response = admin_client.get(url("config_export", hand_made), {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="syncapp-pipedrive-persons.{fmt}"')
    assert config.load(response.content, fmt) == config.export_document(hand_made)


def test_the_app_page_downloads_every_sync_of_an_account(admin_client, hand_made, connection):
    page = text_of(admin_client.get(reverse("integrations:app", args=["pipedrive"])))
    assert "Download all syncs (YAML)" in page and "Apply a config" in page
    response = admin_client.get(reverse("syncs:config_export_all",
                                        args=["pipedrive", connection.pk]), {"format": "json"})
    doc = json.loads(response.content)
    assert [s["object"] for s in doc["syncs"]] == ["persons"]


def test_an_unknown_download_format_is_a_clear_400(admin_client, hand_made):
    response = admin_client.get(url("config_export", hand_made), {"format": "xml"})
    assert response.status_code == 400
    assert "yaml or json" in text_of(response)


def test_another_portal_can_download_nothing(outsider_client, hand_made, connection):
    assert outsider_client.get(url("config_export", hand_made)).status_code == 404
    assert outsider_client.get(reverse("syncs:config_export_all", args=[
        "pipedrive", connection.pk])).status_code == 404


# --- the apply page ------------------------------------------------------------------


def test_checking_a_file_shows_the_diff_and_the_dry_run_and_changes_nothing(
        admin_client, hand_made):
    before = snapshot(hand_made)

    response = check(admin_client, hand_made, edited_yaml(hand_made, winner="hub",
                                                      poll_interval_s=600))

    assert response.status_code == 200
    page = text_of(response)
    assert "What this file changes" in page
    assert "winner" in page and "poll_interval_s" in page and '"hub"' in page
    assert "Dry run" in page and "Matched" in page
    assert snapshot(hand_made) == before


def test_apply_applies_the_plan_shown_and_audits_who(admin_client, admin, hand_made):
    text = edited_yaml(hand_made, winner="hub")
    shown = check(admin_client, hand_made, text)

    response = admin_client.post(apply_url(hand_made), {
        "step": "apply", "format": "yaml", "document": text,
        "fingerprint": fingerprint_of(shown)})

    assert response.status_code == 302
    hand_made.refresh_from_db()
    assert hand_made.winner == "hub"
    entry = AuditEntry.objects.get(action=AuditAction.SETTINGS_CHANGED)
    assert (entry.changes, entry.actor) == ({"winner": ["app", "hub"]}, admin.user)
    again = check(admin_client, hand_made, text)
    assert "Nothing to change: the syncs already match this file." in text_of(again)


def test_a_plan_that_went_stale_is_not_applied(admin_client, hand_made):
    text = edited_yaml(hand_made, winner="hub")
    shown = check(admin_client, hand_made, text)
    post_step(admin_client, "configure", hand_made, {**CONFIGURE, "winner": "app",
                                                 "direction": "to_hub"})
    post_step(admin_client, "save", hand_made, {})

    response = admin_client.post(apply_url(hand_made), {
        "step": "apply", "format": "yaml", "document": text,
        "fingerprint": fingerprint_of(shown)})

    assert response.status_code == 409
    assert "The syncs changed after this file was checked" in text_of(response)
    hand_made.refresh_from_db()
    assert (hand_made.winner, hand_made.direction) == ("app", "to_hub")


def test_a_bad_file_is_refused_on_the_page_naming_the_place(admin_client, hand_made):
    response = check(admin_client, hand_made, edited_yaml(hand_made, direction="sideways"))
    assert response.status_code == 400
    page = text_of(response)
    assert "Nothing was applied." in page
    assert "syncs[0].direction" in page and "Choose one of" in page


def test_a_pasted_json_text_is_checked_too(admin_client, hand_made):
    doc = config.export_document(hand_made)
    response = admin_client.post(apply_url(hand_made), {
        "step": "check", "format": "json", "document": json.dumps(doc)})
    assert "Nothing to change" in text_of(response)


def test_apply_needs_the_app_marketplace_permission(member_client, ops_client,
                                                   marketer_client, hand_made):
    text = edited_yaml(hand_made, winner="hub")
    for client in (member_client, ops_client):
        assert client.get(apply_url(hand_made)).status_code == 403
        assert check(client, hand_made, text).status_code == 403
    assert marketer_client.get(apply_url(hand_made)).status_code == 200
    assert ObjectSync.objects.get(pk=hand_made.pk).winner == "app"


def test_another_portal_cannot_reach_the_apply_page(outsider_client, hand_made):
    assert outsider_client.get(apply_url(hand_made)).status_code == 404
    text = edited_yaml(hand_made, winner="hub")
    assert check(outsider_client, hand_made, text).status_code == 404
    assert ObjectSync.objects.get(pk=hand_made.pk).winner == "app"


def test_apply_without_the_csrf_token_is_refused(admin, hand_made):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    text = edited_yaml(hand_made, winner="hub")
    response = client.post(apply_url(hand_made), {"step": "apply", "format": "yaml",
                                              "document": text, "fingerprint": "x"})
    assert response.status_code == 403
    assert ObjectSync.objects.get(pk=hand_made.pk).winner == "app"


# --- the command ---------------------------------------------------------------------


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("sync_config", *args, stdout=out)
    return out.getvalue()


def test_the_command_exports_a_sync_and_an_account(hand_made, portal, connection):
    one = run("export", "--portal", portal.name, "--sync", str(hand_made.pk))
    assert config.load(one, "yaml") == config.export_document(hand_made)
    every = run("export", "--portal", str(portal.pk), "--connection", str(connection.pk),
                "--format", "json")
    assert json.loads(every) == config.export_document(hand_made)


def test_the_command_previews_then_applies_with_yes(hand_made, portal, connection, tmp_path):
    path = tmp_path / "syncs.yaml"
    path.write_text(edited_yaml(hand_made, winner="hub"))
    args = ("apply", str(path), "--portal", portal.name, "--connection", str(connection.pk))

    with pytest.raises(CommandError) as pending:
        run(*args)
    assert pending.value.returncode == 2
    assert ObjectSync.objects.get(pk=hand_made.pk).winner == "app"

    output = run(*args, "--yes")
    assert "Applied: 1 updated" in output
    assert ObjectSync.objects.get(pk=hand_made.pk).winner == "hub"
    assert "Nothing to change." in run(*args)  # exit 0: the file matches now


def test_the_command_refuses_a_bad_file_naming_the_place(hand_made, portal, connection, tmp_path):
    path = tmp_path / "syncs.json"
    doc = config.export_document(hand_made)
    doc["syncs"][0]["colour"] = "blue"
    path.write_text(json.dumps(doc))
    with pytest.raises(CommandError, match=r"syncs\[0\]\.colour: Unknown field"):
        run("apply", str(path), "--portal", portal.name, "--connection", str(connection.pk),
            "--yes")


def test_the_command_cannot_reach_another_portals_account(hand_made, other_portal, connection,
                                                         tmp_path):
    path = tmp_path / "syncs.yaml"
    path.write_text(edited_yaml(hand_made, winner="hub"))
    with pytest.raises(CommandError, match="has no account"):
        run("apply", str(path), "--portal", other_portal.name, "--connection",
            str(connection.pk), "--yes")
    with pytest.raises(CommandError, match="has no sync"):
        run("export", "--portal", other_portal.name, "--sync", str(hand_made.pk))
    assert ObjectSync.objects.get(pk=hand_made.pk).winner == "app"
