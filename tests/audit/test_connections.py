"""Connect, reconnect and disconnect each leave one audit entry naming who and which
account; a refused reconnect leaves none."""

import pytest
from django.urls import reverse

from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.integrations.models import Connection, ConnectionStatus
from tests.kits.connect import connect_account

pytestmark = pytest.mark.django_db(transaction=True)


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_connect_reconnect_and_disconnect_are_each_recorded_once(admin_client, toy_app, admin):
    connect_account(admin_client, "toy", "admin@toy.example")
    connection = Connection.objects.get()
    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.save()
    connect_account(admin_client, "toy", "admin@toy.example", reconnect=connection.pk)
    admin_client.post(reverse("integrations:disconnect", args=["toy", connection.pk]))

    assert actions() == [AuditAction.CONNECTED, AuditAction.RECONNECTED,
                         AuditAction.DISCONNECTED]
    for entry in AuditEntry.objects.all():
        assert (entry.portal, entry.actor, entry.object_type, entry.object_id) == (
            admin.portal, admin.user, "connection", str(connection.pk))
        assert "Toy Inc" in entry.object_label


def test_a_refused_reconnect_records_nothing(admin_client, toy_app):
    connect_account(admin_client, "toy", "admin@toy.example")
    connection = Connection.objects.get()
    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.save()
    connect_account(admin_client, "toy", "admin@two.example", reconnect=connection.pk)
    assert actions() == [AuditAction.CONNECTED]
