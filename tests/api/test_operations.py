"""What each API operation does for a script holding a key, and that every mutation
leaves the same audit entry as the same click in the UI."""

import pytest
from django.urls import reverse

from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.health.exports import build_export
from syncapp.health.models import ExportJob, RepairJob
from syncapp.integrations.models import Connection
from syncapp.syncs.models import Link, LinkStatus, ObjectSync
from tests.api.conftest import is_problem
from tests.kits.health import FAILURES, quiet_sync

pytestmark = pytest.mark.django_db


def test_lists_and_gets_show_the_portals_objects(reader, sync):
    [connection] = reader.get("/connections").json()["items"]
    assert (connection["id"], connection["app_key"]) == (sync.connection_id, "hubspot")
    assert reader.get(f"/connections/{sync.connection_id}").json()["account_name"] == "acct-1"
    [listed] = reader.get("/syncs", connection=sync.connection_id).json()["items"]
    assert (listed["id"], listed["state"], listed["app_object"]) == (sync.pk, "on", "contacts")
    assert reader.get(f"/syncs/{sync.pk}").json()["hub_object"] == "contact"
    runs = reader.get(f"/syncs/{sync.pk}/runs").json()["items"]
    assert [r["kind"] for r in runs] == ["incremental", "initial"]  # newest first
    assert reader.get(f"/runs/{runs[0]['id']}").json()["counts"] == {"read": 5}


def test_health_counts_match_the_records(reader, sync):
    counts = reader.get(f"/syncs/{sync.pk}/health").json()
    assert (counts["in_sync"], counts["excluded"], counts["failed"]) == (
        3, 2, sum(FAILURES.values()))
    assert counts["failed_by_category"] == {str(k): v for k, v in FAILURES.items()}
    assert counts["excluded_by_reason"] == {"no_email": 2}


def test_failed_and_excluded_lists_filter_by_category_and_reason(reader, sync):
    duplicates = reader.get(f"/syncs/{sync.pk}/failed", category="duplicate").json()["items"]
    assert len(duplicates) == 2 and {r["error_category"] for r in duplicates} == {"duplicate"}
    assert len(reader.get(f"/syncs/{sync.pk}/failed").json()["items"]) == sum(FAILURES.values())
    excluded = reader.get(f"/syncs/{sync.pk}/excluded", reason="no_email").json()["items"]
    assert {r["app_name"] for r in excluded} == {"No email 0", "No email 1"}
    assert reader.get(f"/syncs/{sync.pk}/excluded", reason="filters").json()["items"] == []


def test_turn_off_then_on_changes_the_sync(writer, sync):
    assert writer.call("POST", f"/syncs/{sync.pk}/turn-off").json()["state"] == "off"
    assert writer.call("POST", f"/syncs/{sync.pk}/sync-now").status_code == 409  # off
    assert writer.call("POST", f"/syncs/{sync.pk}/turn-on").json()["state"] == "on"
    sync.refresh_from_db()
    assert sync.state == "on"


def test_sync_now_is_accepted_for_a_sync_that_is_on(writer, sync):
    response = writer.call("POST", f"/syncs/{sync.pk}/sync-now")
    assert response.status_code == 202
    assert AuditEntry.objects.filter(action=AuditAction.SYNC_NOW).count() == 1


def test_a_draft_cannot_be_turned_on(writer, portal):
    draft = quiet_sync(portal, account="drafty")
    ObjectSync.objects.filter(pk=draft.pk).update(state="draft")
    body = is_problem(writer.call("POST", f"/syncs/{draft.pk}/turn-on"), 409)
    assert "draft" in body["detail"]


def test_delete_removes_the_sync_and_keeps_nothing_of_it(writer, sync):
    assert writer.call("DELETE", f"/syncs/{sync.pk}").status_code == 204
    assert not ObjectSync.objects.filter(pk=sync.pk).exists()
    is_problem(writer.call("DELETE", f"/syncs/{sync.pk}"), 404)


def test_retry_starts_a_job_over_the_category(writer, reader, sync):
    response = writer.call("POST", f"/syncs/{sync.pk}/failed/retry",
                           {"category": "invalid_value"})
    assert response.status_code == 202
    job = response.json()
    assert (job["kind"], job["category"], job["total"]) == ("retry", "invalid_value", 3)
    assert reader.get(f"/jobs/{job['id']}").json()["status"] == "queued"
    is_problem(writer.call("POST", f"/syncs/{sync.pk}/failed/retry",
                           {"category": "invalid_value"}), 409)  # already running


def test_retry_of_chosen_records_takes_only_those(writer, sync):
    chosen = Link.objects.filter(object_sync=sync, error_category="invalid_value")[:1]
    job = writer.call("POST", f"/syncs/{sync.pk}/failed/retry",
                      {"category": "invalid_value", "link_ids": [chosen[0].pk]}).json()
    assert job["total"] == 1


def test_resync_starts_a_restore_audited_as_a_resync(writer, sync):
    Link.objects.filter(object_sync=sync, status=LinkStatus.IN_SYNC).update(
        status=LinkStatus.DELETED_IN_APP)
    job = writer.call("POST", f"/syncs/{sync.pk}/resync", {"target": "app"}).json()
    assert (job["kind"], job["target"], job["total"]) == ("restore", "app", 3)
    assert AuditEntry.objects.get(action=AuditAction.RESYNC).changes == {
        "target": "app", "records": 3}


def test_export_is_started_listed_and_fetched(writer, reader, sync):
    response = writer.call("POST", f"/connections/{sync.connection_id}/exports",
                           {"format": "csv", "status": "failed"})
    assert response.status_code == 202
    export = response.json()
    assert (export["format"], export["filters"]) == ("csv", {"status": "failed"})
    assert [e["id"] for e in reader.get("/exports").json()["items"]] == [export["id"]]
    assert reader.get(f"/exports/{export['id']}").json()["connection_id"] == sync.connection_id
    is_problem(reader.get(f"/exports/{export['id']}/file"), 404)  # not built yet


def test_a_built_export_downloads_as_csv(writer, reader, sync, settings, tmp_path):
    settings.EXPORT_ROOT = str(tmp_path)
    export = writer.call("POST", f"/connections/{sync.connection_id}/exports",
                         {"format": "csv", "status": "failed"}).json()
    build_export(export["id"])  # what the export worker does
    assert reader.get(f"/exports/{export['id']}").json()["status"] == "done"
    response = reader.get(f"/exports/{export['id']}/file")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.count("\n") == sum(FAILURES.values()) + 1  # a header, then each failed one


def test_an_export_of_nothing_is_refused(writer, sync):
    Link.objects.filter(object_sync=sync).delete()
    is_problem(writer.call("POST", f"/connections/{sync.connection_id}/exports",
                           {"format": "xlsx"}), 409)
    assert not ExportJob.objects.exists()


def _entries(action):
    return list(AuditEntry.objects.filter(action=action).values(
        "portal", "actor", "actor_label", "action", "object_type", "object_id",
        "object_label", "changes"))


@pytest.mark.parametrize(("ui_step", "api_path", "action"), [
    ("turn_off", "turn-off", AuditAction.TURNED_OFF),
    ("sync_now", "sync-now", AuditAction.SYNC_NOW),
    ("delete", "", AuditAction.SYNC_DELETED),
])
def test_an_api_mutation_is_audited_exactly_as_the_ui_action(admin_client, writer, sync,
                                                             portal, ui_step, api_path,
                                                             action):
    twin = quiet_sync(portal, account="twin")  # the same kind of sync, for the API
    Connection.objects.filter(pk=twin.connection_id).update(account_name="acct-1")
    admin_client.post(reverse(f"syncs:{ui_step}", args=["hubspot", sync.pk]))
    [by_ui] = _entries(action)
    if api_path:
        writer.call("POST", f"/syncs/{twin.pk}/{api_path}")
    else:
        writer.call("DELETE", f"/syncs/{twin.pk}")
    [_ui, by_api] = _entries(action)
    assert by_api["object_id"] == str(twin.pk)
    assert {k: v for k, v in by_api.items() if k != "object_id"} == {
        k: v for k, v in by_ui.items() if k != "object_id"}  # by the same person, alike


def test_a_retry_is_audited_as_the_failed_panels_retry(support_client, writer, sync):
    support_client.post(reverse("health:retry", args=["hubspot", sync.pk]),
                        {"category": "duplicate", "scope": "all"})
    RepairJob.objects.update(status="done")
    writer.call("POST", f"/syncs/{sync.pk}/failed/retry", {"category": "duplicate"})
    by_ui, by_api = AuditEntry.objects.filter(action=AuditAction.RETRY).order_by("id")
    assert (by_ui.changes, by_ui.object_id, by_ui.portal_id) == (
        by_api.changes, by_api.object_id, by_api.portal_id)
