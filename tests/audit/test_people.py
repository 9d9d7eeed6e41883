"""The people actions in the audit log: invitations, joining, roles, removal and sign-in
lockouts each leave exactly one entry; a refused action leaves none."""

import csv
import io
import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from syncapp.accounts.models import Invitation
from syncapp.accounts.services import add_member
from syncapp.audit.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
ACCEPT = reverse("accounts:accept_invitation")
LOGIN = reverse("accounts:login")


def the_entry(action) -> AuditEntry:
    """The one entry of `action` (fails if there are none or several)."""
    [entry] = AuditEntry.objects.filter(action=action)
    return entry


def invite(client, email="new@acme.test", roles=("ops", "support")):
    return client.post(reverse("accounts:invite"), {"email": email, "roles": list(roles)})


def mailed_token() -> str:
    return re.search(r"token=(\S+)", mail.outbox[-1].body).group(1)


def join_as_new_user(token):
    return Client().post(ACCEPT, {"token": token, "name": "Nia",
                                  "password": "a-long-new-passphrase"})


# --- invitations -------------------------------------------------------------------------

def test_an_invitation_names_the_inviter_the_invitee_and_the_roles(admin_client, admin):
    invite(admin_client)
    entry = the_entry(AuditAction.INVITE_SENT)
    assert (entry.portal, entry.actor, entry.actor_label) == (admin.portal, admin.user,
                                                               "admin@acme.test")
    assert (entry.object_type, entry.object_label) == ("invitation", "new@acme.test")
    assert entry.changes == {"roles": ["ops", "support"]}
    assert entry.ip == "127.0.0.1"


def test_resending_and_revoking_are_recorded_each_once(admin_client, admin):
    invite(admin_client)
    invitation = Invitation.objects.get()
    admin_client.post(reverse("accounts:resend_invitation"), {"invitation": invitation.pk})
    admin_client.post(reverse("accounts:revoke_invitation"), {"invitation": invitation.pk})
    for action in (AuditAction.INVITE_SENT, AuditAction.INVITE_RESENT,
                   AuditAction.INVITE_REVOKED):
        entry = the_entry(action)
        assert (entry.actor, entry.object_label) == (admin.user, "new@acme.test")
        assert entry.object_id == str(invitation.pk)


def test_a_new_user_joining_is_recorded_as_that_user(admin_client, portal):
    invite(admin_client)
    assert join_as_new_user(mailed_token()).status_code == 302
    entry = the_entry(AuditAction.INVITE_ACCEPTED)
    assert (entry.portal, entry.actor_label, entry.object_label) == (
        portal, "new@acme.test", "new@acme.test")
    assert entry.changes == {"roles": ["ops", "support"], "account": "new"}


def test_an_existing_user_joining_is_recorded_in_the_inviting_portal(admin_client, outsider,
                                                                     portal):
    invite(admin_client, email="admin@globex.test", roles=("marketplace",))
    client = Client()
    client.force_login(outsider.user)
    assert client.post(ACCEPT, {"token": mailed_token()}).status_code == 302
    entry = the_entry(AuditAction.INVITE_ACCEPTED)
    assert (entry.portal, entry.actor) == (portal, outsider.user)
    assert entry.changes == {"roles": ["marketplace"], "account": "existing"}


def test_a_reused_invitation_link_writes_no_second_entry(admin_client):
    invite(admin_client)
    token = mailed_token()
    join_as_new_user(token)
    assert join_as_new_user(token).status_code == 400
    assert AuditEntry.objects.filter(action=AuditAction.INVITE_ACCEPTED).count() == 1


def test_inviting_a_member_again_is_refused_without_an_entry(admin_client, ops):
    assert invite(admin_client, email="ops@acme.test").status_code == 400
    assert not AuditEntry.objects.exists()


# --- roles and removal ----------------------------------------------------------------------

def test_a_role_change_records_the_roles_before_and_after(admin_client, admin, ops):
    admin_client.post(reverse("accounts:change_roles"),
                      {"member": ops.pk, "roles": ["marketplace", "support"]})
    entry = the_entry(AuditAction.ROLE_CHANGED)
    assert (entry.actor, entry.object_type, entry.object_label) == (
        admin.user, "membership", "ops@acme.test")
    assert entry.changes == {"roles": [["ops"], ["marketplace", "support"]]}


def test_saving_the_same_roles_changes_nothing_and_records_nothing(admin_client, ops):
    admin_client.post(reverse("accounts:change_roles"), {"member": ops.pk, "roles": ["ops"]})
    assert not AuditEntry.objects.exists()


def test_removing_a_member_is_recorded_with_the_roles_they_had(admin_client, admin, ops):
    member_id = ops.pk
    admin_client.post(reverse("accounts:remove_member"), {"member": member_id})
    entry = the_entry(AuditAction.MEMBER_REMOVED)
    assert (entry.actor, entry.object_label, entry.object_id) == (
        admin.user, "ops@acme.test", str(member_id))
    assert entry.changes == {"roles": ["ops"]}


def test_demoting_or_removing_the_last_super_admin_is_refused_without_an_entry(admin_client,
                                                                               admin):
    admin_client.post(reverse("accounts:change_roles"), {"member": admin.pk, "roles": ["ops"]})
    admin_client.post(reverse("accounts:remove_member"), {"member": admin.pk})
    assert not AuditEntry.objects.exists()


# --- sign-in lockouts ---------------------------------------------------------------------

def fail_sign_in(email, times):
    client = Client()
    for _ in range(times):
        page = client.post(LOGIN, {"username": email, "password": "wrong-" + PASSWORD})
    return page.content.decode()


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3)
def test_a_lockout_is_recorded_once_when_it_starts(admin):
    page = fail_sign_in("admin@acme.test", 6)
    assert "Too many failed sign-in attempts" in page
    entry = the_entry(AuditAction.LOGIN_LOCKED_OUT)
    assert (entry.portal, entry.actor, entry.object_label) == (
        admin.portal, None, "admin@acme.test")
    assert entry.changes == {"username": "admin@acme.test", "ip": "127.0.0.1",
                             "locked": ["account"]}
    # the refused attempts during the lockout are neither failures nor new lockouts
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 3


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=3)
def test_a_lockout_of_an_unknown_address_is_recorded_without_a_portal(admin):
    page = fail_sign_in("ghost@acme.test", 4)
    assert "Too many failed sign-in attempts" in page
    entry = the_entry(AuditAction.LOGIN_LOCKED_OUT)
    assert (entry.portal, entry.object_label) == (None, "ghost@acme.test")


@override_settings(LOGIN_FAILURES_PER_ACCOUNT=100, LOGIN_FAILURES_PER_IP=3)
def test_an_address_locked_out_is_recorded_once(admin, portal):
    add_member(portal, "second@acme.test", PASSWORD)
    for email in ("admin@acme.test", "second@acme.test", "ghost@acme.test", "admin@acme.test"):
        fail_sign_in(email, 1)
    [entry] = AuditEntry.objects.filter(action=AuditAction.LOGIN_LOCKED_OUT)
    assert entry.portal is None and entry.changes["locked"] == ["ip"]


# --- the page shows them --------------------------------------------------------------------

def test_the_page_filters_people_actions_and_labels_them_in_portuguese(admin_client, ops):
    invite(admin_client)
    admin_client.post(reverse("accounts:remove_member"), {"member": ops.pk})
    admin_client.cookies["django_language"] = "pt-br"
    page = admin_client.get(reverse("audit:log"), {"object": "invitation"}).content.decode()
    rows = page.split("<tbody>")[1]
    assert "Convite enviado" in rows and "new@acme.test" in rows
    assert "Membro removido" not in rows
    assert '<option value="invite_resent">Convite reenviado</option>' in page
    removed = admin_client.get(reverse("audit:log"), {"action": "member_removed"})
    assert "ops@acme.test" in removed.content.decode().split("<tbody>")[1]


def test_the_csv_names_people_actions_in_the_readers_language(admin_client):
    invite(admin_client)
    admin_client.cookies["django_language"] = "pt-br"
    body = b"".join(admin_client.get(reverse("audit:export")).streaming_content).decode()
    [_header, row] = list(csv.reader(io.StringIO(body)))
    assert row[1:4] == ["admin@acme.test", "Convite enviado", "new@acme.test"]
    assert row[5] == "Funções: Operações, Suporte"


def test_a_role_change_reads_as_roles_before_and_after_in_each_language(admin_client, ops):
    admin_client.post(reverse("accounts:change_roles"),
                      {"member": ops.pk, "roles": ["marketplace", "support"]})
    english = admin_client.get(reverse("audit:log")).content.decode().split("<tbody>")[1]
    assert "Roles: Ops → App Marketplace, Support" in english
    admin_client.cookies["django_language"] = "pt-br"
    portuguese = admin_client.get(reverse("audit:log")).content.decode().split("<tbody>")[1]
    assert "Funções: Operações → App Marketplace, Suporte" in portuguese
    assert "[[" not in english + portuguese  # never the stored JSON
