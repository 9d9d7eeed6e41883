"""Syncs as code over the REST API: the file a person downloads, sent by a script with a
write key, creates the sync as a draft or updates it, with the page's rules and audit."""

import json

import pytest
from django.test import Client

from syncapp.api.keys import create_key
from syncapp.api.models import Scope
from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.syncs import config
from syncapp.syncs.models import ObjectSync, SyncState
from tests.syncs.kit import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def script(admin):
    token = create_key(admin.portal, "CI", Scope.WRITE, admin.user).token
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def send(method: str, path: str, body: dict):
        return getattr(client, method)(f"/api/v1{path}", json.dumps(body),
                                       content_type="application/json")
    return send


def test_a_downloaded_file_recreates_the_sync_as_a_draft(script, hand_made, connection):
    text = config.dump(config.export_document(hand_made), "yaml")
    before = snapshot(hand_made)
    hand_made.delete()
    reply = script("post", "/syncs", {"connection_id": connection.pk, "format": "yaml",
                                      "text": text})
    assert reply.status_code == 201, reply.content
    [created] = reply.json()
    copy = ObjectSync.objects.get(pk=created["id"])
    assert snapshot(copy) == before and copy.state == SyncState.DRAFT


def test_an_edited_file_updates_the_sync_and_is_audited_with_the_diff(script, hand_made):
    doc = config.export_document(hand_made)
    doc["syncs"][0]["poll_interval_s"] = 600
    reply = script("put", f"/syncs/{hand_made.pk}", {"format": "json", "text": json.dumps(doc)})
    assert reply.status_code == 200, reply.content
    hand_made.refresh_from_db()
    assert hand_made.poll_interval_s == 600
    assert AuditEntry.objects.filter(action=AuditAction.SETTINGS_CHANGED).count() == 1
    again = script("put", f"/syncs/{hand_made.pk}", {"format": "json", "text": json.dumps(doc)})
    assert again.status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.SETTINGS_CHANGED).count() == 1


@pytest.mark.parametrize(("text", "says"), [
    ("syncs: [", "line"),
    ("syncapp_config: 1\napp: pipedrive\nsyncs:\n  - object: unicorns\n", "syncs[0]"),
])
def test_a_bad_file_is_a_problem_naming_the_place_and_changes_nothing(script, hand_made,
                                                                     connection, text, says):
    before = snapshot(hand_made)
    reply = script("post", "/syncs", {"connection_id": connection.pk, "format": "yaml",
                                      "text": text})
    assert reply.status_code == 400 and reply["Content-Type"] == "application/problem+json"
    assert says in reply.json()["detail"]
    hand_made.refresh_from_db()
    assert snapshot(hand_made) == before


def test_an_update_naming_another_sync_is_refused(script, hand_made):
    doc = config.export_document(hand_made)
    doc["syncs"][0]["object"] = "organizations"
    reply = script("put", f"/syncs/{hand_made.pk}", {"format": "json", "text": json.dumps(doc)})
    assert reply.status_code == 400
