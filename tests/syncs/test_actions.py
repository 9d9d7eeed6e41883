"""After Save and sync: edit the settings (next run), turn off and on, delete, sync now."""

import pytest

from syncapp.crm.models import Record
from syncapp.crm.services import create_record
from syncapp.syncs.models import Link, LinkStatus, ObjectSync, SyncState
from syncapp.syncs.wizard import state
from tests.syncs.kit import CONFIGURE, messages_of, page, post_step, start, text_of, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(admin_client, connection):
    """A contacts sync that has been saved (Save and sync) and holds one link."""
    sync = start(admin_client, connection)
    response = post_step(admin_client, "save", sync, {})
    assert "The initial sync has started" in messages_of(response)
    sync.refresh_from_db()
    record = create_record(connection.portal, "contact", {"email": "kept@acme.example"})
    Link.objects.create(portal=connection.portal, object_sync=sync, hub_record=record,
                        app_id="1", status=LinkStatus.IN_SYNC)
    return sync


def test_save_and_sync_turns_the_draft_on_and_starts_the_initial_sync(
        admin_client, connection, enqueued):
    sync = start(admin_client, connection)
    response = post_step(admin_client, "save", sync, {})
    assert response["Location"] == url("detail", sync)
    sync.refresh_from_db()
    assert sync.state == SyncState.ON
    assert enqueued == [sync.pk]
    html = text_of(admin_client.get(url("detail", sync)))
    assert 'hx-trigger="every 1s"' in html  # live progress until the run is done
    assert "Persons" in html and "Contacts" in html


def test_edit_reopens_the_wizard_on_the_saved_settings_and_applies_on_save(
        admin_client, saved):
    version = saved.version
    html = text_of(page(admin_client, "configure", saved))
    assert "Edit sync settings" in html
    assert "keeps running on its saved settings" in html

    post_step(admin_client, "configure", saved, {**CONFIGURE, "winner": "app"})

    saved.refresh_from_db()
    assert saved.winner == "hub"  # the running sync is untouched until Save
    assert state.load(saved).winner == "app"
    review = text_of(page(admin_client, "review", saved))
    assert "When a value differs on the two sides, Pipedrive wins." in review

    response = post_step(admin_client, "save", saved, {})

    assert "They apply from the next run" in messages_of(response)
    saved.refresh_from_db()
    assert (saved.winner, saved.version, saved.pending_settings) == ("app", version + 1, {})
    assert saved.state == SyncState.ON


def test_discarding_an_edit_keeps_the_saved_settings(admin_client, saved):
    post_step(admin_client, "configure", saved, {**CONFIGURE, "direction": "to_app"})
    response = admin_client.post(url("discard", saved))
    assert "Your unsaved changes were discarded" in messages_of(response)
    saved.refresh_from_db()
    assert (saved.direction, saved.pending_settings) == ("two_way", {})


def test_an_edit_saved_by_someone_else_makes_the_other_tab_stale(admin_client, saved):
    token = state.token(saved)
    post_step(admin_client, "configure", saved, {**CONFIGURE, "winner": "app"})
    post_step(admin_client, "save", saved, {})
    response = post_step(admin_client, "configure", saved, {**CONFIGURE, "direction": "to_hub"},
                         token=token)
    assert "changed in another tab" in messages_of(response)
    saved.refresh_from_db()
    assert (saved.direction, saved.winner, saved.pending_settings) == ("two_way", "app", {})


def test_turn_off_asks_first_then_keeps_links_and_cursors(admin_client, saved):
    ObjectSync.objects.filter(pk=saved.pk).update(app_cursor="cursor-42", hub_cursor="9:9")
    dialog = text_of(admin_client.get(url("detail", saved), {"dialog": "off"}))
    assert 'id="dialog-off" class="dialog" aria-labelledby="dialog-off-title" open' in dialog
    assert "turn it back on, it catches up" in dialog

    response = admin_client.post(url("turn_off", saved))

    assert "The sync is off" in messages_of(response)
    saved.refresh_from_db()
    assert saved.state == SyncState.OFF
    assert (saved.app_cursor, saved.hub_cursor) == ("cursor-42", "9:9")
    assert Link.objects.filter(object_sync=saved).count() == 1


def test_turn_on_again_catches_up(admin_client, saved, enqueued):
    admin_client.post(url("turn_off", saved))
    enqueued.clear()
    response = admin_client.post(url("turn_on", saved))
    assert "catching up" in messages_of(response)
    saved.refresh_from_db()
    assert saved.state == SyncState.ON
    assert enqueued == [saved.pk]  # a run starts from the kept cursors


def test_turning_a_sync_on_again_has_the_other_syncs_redo_associations(
        admin_client, connection, saved, enqueued):
    """Associations made while it was off are kept once it runs again."""
    other = ObjectSync.objects.create(
        portal=connection.portal, connection=connection, app_object="organizations",
        hub_object="company", state=SyncState.ON, initial_done=True)
    ObjectSync.objects.filter(pk=saved.pk).update(initial_done=True)
    admin_client.post(url("turn_off", saved))
    other.refresh_from_db()
    assert other.associations_after is None
    admin_client.post(url("turn_on", saved))
    other.refresh_from_db()
    assert other.associations_after == 0


def test_delete_asks_first_naming_what_is_kept_then_keeps_every_record(admin_client, saved):
    dialog = text_of(admin_client.get(url("detail", saved), {"dialog": "delete"}))
    assert "Delete the Persons sync?" in dialog
    assert "<strong>The records are kept</strong>, in Syncapp and in Pipedrive" in dialog

    response = admin_client.post(url("delete", saved))

    assert "Every record is kept" in messages_of(response)
    assert response["Location"] == "/integrations/pipedrive/"
    assert not ObjectSync.objects.filter(pk=saved.pk).exists()
    assert not Link.objects.exists()
    assert Record.objects.filter(email_key="kept@acme.example").exists()


def test_sync_now_enqueues_an_incremental_run(admin_client, saved, enqueued):
    enqueued.clear()
    response = admin_client.post(url("sync_now", saved))
    assert "A sync has started" in messages_of(response)
    assert enqueued == [saved.pk]


def test_sync_now_does_nothing_for_a_sync_that_is_off(admin_client, saved, enqueued):
    admin_client.post(url("turn_off", saved))
    enqueued.clear()
    response = admin_client.post(url("sync_now", saved))
    assert "Turn the sync on first" in messages_of(response)
    assert enqueued == []


def test_sync_now_on_a_held_sync_points_to_the_review(admin_client, saved, enqueued):
    ObjectSync.objects.filter(pk=saved.pk).update(pause_reason="mass_change")
    enqueued.clear()
    response = admin_client.post(url("sync_now", saved))
    assert "This sync needs review first" in messages_of(response)
    assert enqueued == []


def test_the_app_page_lists_the_sync_with_its_status_and_actions(admin_client, saved):
    html = text_of(admin_client.get("/integrations/pipedrive/"))
    assert 'data-sync="persons"' in html
    assert "Initial sync" in html  # on, the initial sync not done yet
    assert "Edit sync settings" in html and "Turn off sync" in html
    admin_client.post(url("turn_off", saved))
    assert ">Off<" in text_of(admin_client.get("/integrations/pipedrive/"))


def test_a_draft_left_unfinished_can_be_continued_or_discarded(admin_client, connection):
    sync = start(admin_client, connection)
    html = text_of(admin_client.get("/integrations/pipedrive/"))
    assert "Setup not finished" in html and "Continue setup" in html
    response = admin_client.post(url("discard", sync))
    assert "discarded" in messages_of(response)
    assert not ObjectSync.objects.exists()


def test_services_refuse_to_save_a_sync_whose_account_needs_reconnecting(
        admin_client, connection):
    sync = start(admin_client, connection)
    connection.status = "needs_reconnect"
    connection.save()
    response = post_step(admin_client, "save", sync, {})
    assert "needs reconnecting" in messages_of(response)
    sync.refresh_from_db()
    assert sync.state == SyncState.DRAFT
