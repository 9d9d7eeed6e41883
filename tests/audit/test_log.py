"""The audit log itself: append-only in Postgres, failed sign-ins, and a rolled-back
action leaving no entry."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.utils import timezone

from syncapp import audit
from syncapp.audit.log import diff, prune
from syncapp.audit.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def entries(**where):
    return list(AuditEntry.objects.filter(**where))


def test_an_entry_cannot_be_updated_in_the_database(admin):
    entry = audit.record(admin.user, AuditAction.SYNC_NOW, admin.portal)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action=AuditAction.RESTORE)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor_label = 'someone else'")
    entry.refresh_from_db()
    assert (entry.action, entry.actor_label) == (AuditAction.SYNC_NOW, admin.user.email)


def test_an_entry_younger_than_a_year_cannot_be_deleted(admin):
    entry = audit.record(admin.user, AuditAction.SYNC_NOW, admin.portal)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_retention_prune_may_delete_entries_older_than_a_year(admin):
    old = audit.record(admin.user, AuditAction.SYNC_NOW, admin.portal)
    with connection.cursor() as cursor:  # backdate it: only a test may switch the trigger off
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
        cursor.execute("UPDATE audit_auditentry SET created_at = %s WHERE id = %s",
                       [timezone.now() - dt.timedelta(days=366), old.pk])
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only")
    recent = audit.record(admin.user, AuditAction.SYNC_NOW, admin.portal)

    assert prune() == 1

    assert [e.pk for e in AuditEntry.objects.all()] == [recent.pk]


def test_a_rolled_back_action_leaves_no_entry(admin):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(admin.user, AuditAction.TURNED_OFF, admin.portal)
        raise RuntimeError("the action failed after recording")
    assert entries() == []


def test_a_wrong_password_is_recorded_once_in_the_accounts_portal(admin):
    reply = Client().post("/accounts/login/", {"username": admin.user.email,
                                              "password": "wrong-" + PASSWORD})
    assert reply.status_code == 200
    [entry] = entries(action=AuditAction.LOGIN_FAILED)
    assert (entry.portal, entry.actor, entry.object_label) == (
        admin.portal, None, admin.user.email)
    assert entry.ip == "127.0.0.1"
    assert PASSWORD not in str(entry.changes)


def test_a_wrong_password_for_an_unknown_account_is_recorded_without_a_portal(admin):
    Client().post("/accounts/login/", {"username": "nobody@acme.test", "password": "x"})
    [entry] = entries(action=AuditAction.LOGIN_FAILED)
    assert (entry.portal, entry.object_label) == (None, "nobody@acme.test")


def test_a_settings_diff_names_only_the_fields_that_changed():
    assert diff({"winner": "hub", "direction": "both"},
                {"winner": "app", "direction": "both"}) == {"winner": ["hub", "app"]}
