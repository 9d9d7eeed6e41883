"""Support's resync, retry and restore, and ops' export, each leave one audit entry
naming who did it and on which sync or account; a refused one leaves none."""

import pytest
from django.urls import reverse

from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.syncs.models import Link, LinkStatus
from tests.kits.health import add_failed_links, quiet_sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def sync(portal):
    sync = quiet_sync(portal)
    add_failed_links(portal, sync, {"invalid_value": 2})
    Link.objects.create(portal=portal, object_sync=sync, app_id="gone", hub_name="Gone",
                        status=LinkStatus.DELETED_IN_APP)
    return sync


def only_entry(action):
    [entry] = AuditEntry.objects.filter(action=action)
    return entry


def test_resync_is_recorded_with_its_target(support_client, support, sync):
    support_client.post(reverse("health:resync", args=["hubspot", sync.pk]),
                        {"target": "app"})
    entry = only_entry(AuditAction.RESYNC)
    assert (entry.actor, entry.portal, entry.object_id) == (
        support.user, support.portal, str(sync.pk))
    assert entry.changes == {"target": "app", "records": 1}


def test_restore_from_the_records_page_is_recorded(support_client, support, sync):
    url = reverse("health:restore", args=["hubspot"]) + f"?account={sync.connection_id}"
    support_client.post(url, {"sync": sync.pk, "target": "app"})
    assert only_entry(AuditAction.RESTORE).actor == support.user


def test_retry_is_recorded_with_its_category(support_client, support, sync):
    support_client.post(reverse("health:retry", args=["hubspot", sync.pk]),
                        {"category": "invalid_value", "scope": "all"})
    entry = only_entry(AuditAction.RETRY)
    assert (entry.actor, entry.changes) == (
        support.user, {"category": "invalid_value", "records": 2})


def test_a_refused_retry_records_nothing(support_client, sync):
    support_client.post(reverse("health:retry", args=["hubspot", sync.pk]),
                        {"category": "invalid_value"})  # neither records nor "all"
    assert not AuditEntry.objects.exists()


def test_an_export_is_recorded_on_the_account(ops_client, ops, sync, settings, tmp_path):
    settings.EXPORT_ROOT = str(tmp_path)
    url = reverse("health:export", args=["hubspot"]) + f"?account={sync.connection_id}"
    ops_client.post(url, {"format": "csv", "status": "failed"})
    entry = only_entry(AuditAction.EXPORT)
    assert (entry.actor, entry.object_type, entry.object_id) == (
        ops.user, "connection", str(sync.connection_id))
    assert entry.changes["format"] == "csv"


def test_repairs_and_exports_note_the_persons_address_behind_the_proxy(
        support_client, ops_client, sync, settings, tmp_path):
    """Behind the TLS proxy every request comes from the proxy: the entry keeps the
    address the proxy forwarded, the person's, for page actions and exports alike."""
    settings.BEHIND_PROXY, settings.EXPORT_ROOT = True, str(tmp_path)
    forwarded = {"HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}
    support_client.post(reverse("health:resync", args=["hubspot", sync.pk]),
                        {"target": "app"}, **forwarded)
    support_client.post(reverse("health:retry", args=["hubspot", sync.pk]),
                        {"category": "invalid_value", "scope": "all"}, **forwarded)
    url = reverse("health:export", args=["hubspot"]) + f"?account={sync.connection_id}"
    ops_client.post(url, {"format": "csv", "status": "failed"}, **forwarded)
    addresses = {entry.action: entry.ip for entry in AuditEntry.objects.all()}
    assert addresses == {AuditAction.RESYNC: "203.0.113.9", AuditAction.RETRY: "203.0.113.9",
                         AuditAction.EXPORT: "203.0.113.9"}
