"""Each thing a person does to a sync leaves exactly one audit entry with who did it,
on which sync, and for an edit the settings that changed; a refused action leaves none."""

import pytest

from syncapp.audit.models import AuditAction, AuditEntry
from tests.kits.stack import redis_stopped
from tests.syncs.kit import CONFIGURE, post_step, start, url

pytestmark = pytest.mark.django_db


def only_entry(action):
    [entry] = AuditEntry.objects.filter(action=action)
    return entry


@pytest.fixture
def saved(admin_client, connection):
    sync = start(admin_client, connection)
    post_step(admin_client, "save", sync, {})
    sync.refresh_from_db()
    return sync


def test_save_and_sync_records_the_sync_created_by_the_admin(admin, saved):
    entry = only_entry(AuditAction.SYNC_CREATED)
    assert (entry.actor, entry.portal, entry.object_type, entry.object_id) == (
        admin.user, admin.portal, "objectsync", str(saved.pk))


def test_an_edit_records_the_diff_of_what_changed(admin_client, admin, saved):
    post_step(admin_client, "configure", saved, {**CONFIGURE, "winner": "app"})
    post_step(admin_client, "save", saved, {})
    entry = only_entry(AuditAction.SETTINGS_CHANGED)
    assert entry.actor == admin.user
    assert entry.changes["winner"] == ["hub", "app"]
    assert "direction" not in entry.changes and "mappings" not in entry.changes  # unchanged


@pytest.mark.parametrize(("steps", "action"), [
    (["turn_off"], AuditAction.TURNED_OFF),
    (["turn_off", "turn_on"], AuditAction.TURNED_ON),
    (["sync_now"], AuditAction.SYNC_NOW),
    (["delete"], AuditAction.SYNC_DELETED),
])
def test_each_sync_action_is_recorded_once(admin_client, admin, saved, steps, action):
    for step in steps:
        admin_client.post(url(step, saved))
    entry = only_entry(action)
    assert (entry.actor, entry.object_id) == (admin.user, str(saved.pk))


def test_a_save_and_sync_that_cannot_start_records_nothing(admin_client, connection,
                                                            settings, tmp_path):
    sync = start(admin_client, connection)
    with redis_stopped(settings, tmp_path / "redis"):
        post_step(admin_client, "save", sync, {})
    assert not AuditEntry.objects.filter(action=AuditAction.SYNC_CREATED).exists()
