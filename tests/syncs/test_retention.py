"""Retention: runs and the values they wrote are kept RUN_HISTORY_RETENTION_DAYS (90 by
default), the audit log at least a year; the daily beat task prunes what is older."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from syncapp import audit
from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.crm.changelog import ChangeCursor
from syncapp.crm.models import ChangeLogEntry
from syncapp.crm.services import Actor, create_record, update_record
from syncapp.syncs import retention
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus, ObjectSync, Run, RunStatus
from syncapp.syncs.tasks import prune_history
from tests.kits.health import quiet_sync

pytestmark = pytest.mark.django_db


def days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def backdate(model, pk, days: float, field: str = "created_at") -> None:
    model.objects.filter(pk=pk).update(**{field: days_ago(days)})


def a_run_that_wrote(sync, record, days: float, value: str):
    """A finished run `days` old that wrote `value` into the record: its run row, its
    history entry and the hub change-log entry, all dated then."""
    run = Run.objects.create(portal=sync.portal, object_sync=sync, kind="incremental",
                             status=RunStatus.SUCCEEDED, finished_at=timezone.now())
    link, _created = Link.objects.get_or_create(
        portal=sync.portal, object_sync=sync, hub_record=record,
        defaults={"app_id": f"app-{record.pk}", "status": LinkStatus.IN_SYNC})
    entry = HistoryEntry.objects.create(portal=sync.portal, link=link, run=run, side="hub",
                                        action="updated", changes={"firstname": ["", value]})
    update_record(record, {"firstname": value}, Actor(object_sync_id=sync.pk))
    change = ChangeLogEntry.objects.filter(record=record).latest("id")
    backdate(Run, run.pk, days, "started_at")
    backdate(HistoryEntry, entry.pk, days)
    backdate(ChangeLogEntry, change.pk, days)
    return run, entry, change


@pytest.fixture
def sync(portal):
    return quiet_sync(portal)


def read_up_to_now(sync) -> None:
    """The sync has read the hub's change log up to now (as its runs do)."""
    last = ChangeLogEntry.objects.latest("id")
    ObjectSync.objects.filter(pk=sync.pk).update(
        hub_cursor=ChangeCursor(last.txid + 1, last.id).encode())


def test_runs_and_the_values_they_wrote_go_after_90_days_recent_ones_stay(sync, portal):
    assert settings.RUN_HISTORY_RETENTION_DAYS == 90
    record = create_record(portal, "contact", {"email": "kept@example.test"})
    old = a_run_that_wrote(sync, record, 91, "Old")
    recent = a_run_that_wrote(sync, record, 89, "Recent")
    read_up_to_now(sync)

    pruned = retention.prune()

    assert pruned == {"history": 1, "runs": 1, "changes": 1, "audit": 0}
    assert not Run.objects.filter(pk=old[0].pk).exists()
    assert not HistoryEntry.objects.filter(pk=old[1].pk).exists()
    assert not ChangeLogEntry.objects.filter(pk=old[2].pk).exists()
    for kept, model in zip(recent, (Run, HistoryEntry, ChangeLogEntry), strict=True):
        assert model.objects.filter(pk=kept.pk).exists()
    # The record itself and what people typed are not run history.
    assert ChangeLogEntry.objects.filter(record=record, object_sync_id__isnull=True).exists()


def test_the_retention_is_a_setting(sync, portal, settings):
    settings.RUN_HISTORY_RETENTION_DAYS = 30
    record = create_record(portal, "contact", {"email": "short@example.test"})
    run, _entry, _change = a_run_that_wrote(sync, record, 31, "Month-old")
    read_up_to_now(sync)
    prune_history()  # the beat task, run as a worker runs it
    assert not Run.objects.filter(pk=run.pk).exists()


def test_changes_a_sync_has_not_read_yet_are_kept_however_old(sync, portal):
    """The change log is also the outbox other syncs read: a sync that was off for
    months still finds what happened meanwhile."""
    record = create_record(portal, "contact", {"email": "unread@example.test"})
    _run, _entry, change = a_run_that_wrote(sync, record, 120, "Unread")
    behind = quiet_sync(portal, account="acct-2")
    ObjectSync.objects.filter(pk=behind.pk).update(
        hub_cursor=ChangeCursor(change.txid, 0).encode())
    read_up_to_now(sync)

    assert retention.prune()["changes"] == 0
    assert ChangeLogEntry.objects.filter(pk=change.pk).exists()


def test_a_running_run_is_never_pruned(sync):
    run = Run.objects.create(portal=sync.portal, object_sync=sync, kind="initial")
    backdate(Run, run.pk, 200, "started_at")
    retention.prune()
    assert Run.objects.get(pk=run.pk).status == RunStatus.RUNNING


def test_audit_entries_go_after_a_year_and_younger_ones_cannot_be_pruned(admin, sync):
    old = audit.record(admin.user, AuditAction.SYNC_NOW, admin.portal)
    with connection.cursor() as cursor:  # backdate it: only a test may switch the trigger off
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
        cursor.execute("UPDATE audit_auditentry SET created_at = %s WHERE id = %s",
                       [days_ago(366), old.pk])
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only")
    younger = audit.record(admin.user, AuditAction.SYNC_NOW, admin.portal)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
        cursor.execute("UPDATE audit_auditentry SET created_at = %s WHERE id = %s",
                       [days_ago(200), younger.pk])
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only")

    # Run history 90 days, audit a year: a 200-day-old entry outlives the run prune.
    assert retention.prune()["audit"] == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [younger.pk]
    # Even a prune told to keep less cannot take it: Postgres refuses.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=younger.pk).delete()
    assert AuditEntry.objects.filter(pk=younger.pk).exists()
