"""The Members page: super admins invite, change roles and remove; invitees join by link."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from syncapp.accounts.models import Invitation, Membership
from syncapp.accounts.services import add_member
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
MEMBERS = reverse("accounts:members")
ACCEPT = reverse("accounts:accept_invitation")


def invite(client, email="new@acme.test", roles=("ops",)):
    return client.post(reverse("accounts:invite"), {"email": email, "roles": list(roles)})


def mailed_token() -> str:
    return re.search(r"token=(\S+)", mail.outbox[-1].body).group(1)


def state():
    """What a refused action must leave untouched."""
    return (sorted(Membership.objects.values_list(
        "id", "is_super_admin", "can_marketplace", "can_view_health", "can_support")),
        sorted(Invitation.objects.values_list("id", "token_hash", "accepted_at", "revoked_at")),
        get_user_model().objects.count())


# --- who sees the page ------------------------------------------------------------------

def test_super_admin_sees_members_with_roles(admin_client, ops, support):
    page = admin_client.get(MEMBERS)
    assert page.status_code == 200
    assert b"ops@acme.test" in page.content and b"support@acme.test" in page.content


@pytest.mark.parametrize("persona", ["ops_client", "support_client", "marketer_client",
                                     "member_client"])
def test_only_super_admins_open_the_page_or_act(persona, request, admin, ops):
    client = request.getfixturevalue(persona)
    assert client.get(MEMBERS).status_code == 403
    before = state()
    assert invite(client).status_code == 403
    assert client.post(reverse("accounts:remove_member"), {"member": admin.pk}).status_code == 403
    assert state() == before and not mail.outbox


def test_an_outsider_sees_nothing_of_the_portal(outsider_client, admin, ops):
    page = outsider_client.get(MEMBERS)
    assert b"ops@acme.test" not in page.content
    before = state()
    response = outsider_client.post(reverse("accounts:remove_member"), {"member": ops.pk})
    assert response.status_code == 404
    response = outsider_client.post(reverse("accounts:change_roles"),
                                    {"member": ops.pk, "roles": ["super_admin"]})
    assert response.status_code == 404
    assert state() == before


# --- inviting and accepting ---------------------------------------------------------------

def test_invitee_sets_name_and_password_and_gets_the_invited_roles(admin_client, portal):
    assert invite(admin_client, roles=("ops", "support")).status_code == 302
    invitation = Invitation.objects.get(portal=portal)
    assert invitation.email == "new@acme.test" and invitation.invited_by.email == "admin@acme.test"
    assert mail.outbox[-1].to == ["new@acme.test"]
    assert b"new@acme.test" in admin_client.get(MEMBERS).content  # pending
    guest = Client()
    assert guest.get(ACCEPT, {"token": mailed_token()}).status_code == 200
    response = guest.post(ACCEPT, {"token": mailed_token(), "name": "Nia",
                                   "password": "a-long-new-passphrase"})
    assert response.status_code == 302
    joined = Membership.objects.get(portal=portal, user__username="new@acme.test")
    assert joined.can_view_health and joined.can_support and not joined.is_super_admin
    assert joined.user.first_name == "Nia"
    assert Client().login(username="new@acme.test", password="a-long-new-passphrase")
    assert guest.get(reverse("home")).status_code in (200, 302)


def test_invitation_is_mailed_in_the_inviters_language(admin_client):
    admin_client.cookies["django_language"] = "pt-br"
    invite(admin_client)
    assert "convidado" in mail.outbox[-1].subject.lower()


def test_the_invitation_link_points_at_site_url_whatever_host_the_request_named(
        admin_client, settings):
    settings.SITE_URL = "https://sync.acme.example"
    admin_client.post(reverse("accounts:invite"), {"email": "new@acme.test", "roles": ["ops"]},
                      HTTP_HOST="127.0.0.1")
    body = mail.outbox[-1].body
    assert "https://sync.acme.example/accounts/invitation/?token=" in body
    assert "127.0.0.1" not in body


def test_existing_user_joins_a_second_portal_in_one_click(admin_client, outsider, portal):
    invite(admin_client, email="admin@globex.test", roles=("marketplace",))
    client = Client()
    client.force_login(outsider.user)
    assert client.post(ACCEPT, {"token": mailed_token()}).status_code == 302
    assert Membership.objects.filter(user=outsider.user).count() == 2
    assert Membership.objects.get(user=outsider.user, portal=portal).can_marketplace


def test_resend_replaces_the_link_and_revoke_kills_it(admin_client, portal):
    invite(admin_client)
    first = mailed_token()
    invitation = Invitation.objects.get(portal=portal)
    admin_client.post(reverse("accounts:resend_invitation"), {"invitation": invitation.pk})
    second = mailed_token()
    assert first != second
    assert Client().get(ACCEPT, {"token": first}).status_code == 400
    admin_client.post(reverse("accounts:revoke_invitation"), {"invitation": invitation.pk})
    assert Client().get(ACCEPT, {"token": second}).status_code == 400
    assert b"No pending invitations" in admin_client.get(MEMBERS).content


# --- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("email", ["not-an-email", "a@", "", "x@y@z.test"])
def test_malformed_email_is_refused(admin_client, email):
    before = state()
    response = invite(admin_client, email=email)
    assert response.status_code == 400 and b"valid e-mail" in response.content
    assert state() == before and not mail.outbox


def test_inviting_a_member_is_refused(admin_client, ops):
    before = state()
    response = invite(admin_client, email="OPS@acme.test")
    assert response.status_code == 400 and b"already a member" in response.content
    assert state() == before


def test_unknown_role_is_refused(admin_client):
    before = state()
    assert invite(admin_client, roles=("owner",)).status_code == 400
    assert state() == before


def _accept_as_guest(token):
    return Client().post(ACCEPT, {"token": token, "name": "Nia",
                                  "password": "a-long-new-passphrase"})


def test_expired_link_is_refused(admin_client, portal):
    invite(admin_client)
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=7, minutes=1))
    before = state()
    response = _accept_as_guest(mailed_token())
    assert response.status_code == 400 and b"expired" in response.content
    assert state() == before


def test_reused_link_is_refused(admin_client):
    invite(admin_client)
    assert _accept_as_guest(mailed_token()).status_code == 302
    before = state()
    response = _accept_as_guest(mailed_token())
    assert response.status_code == 400 and b"already used" in response.content
    assert state() == before


def test_tampered_link_is_refused(admin_client):
    invite(admin_client)
    before = state()
    response = _accept_as_guest(mailed_token()[:-2] + "xx")
    assert response.status_code == 400 and b"not valid" in response.content
    assert state() == before


def test_signed_in_as_another_address_cannot_accept(admin_client, outsider):
    invite(admin_client)
    client = Client()
    client.force_login(outsider.user)
    before = state()
    assert client.post(ACCEPT, {"token": mailed_token()}).status_code == 400
    assert state() == before


def test_weak_password_is_refused(admin_client):
    invite(admin_client)
    before = state()
    response = Client().post(ACCEPT, {"token": mailed_token(), "name": "Nia", "password": "1"})
    assert response.status_code == 400 and state() == before


# --- roles and removal ----------------------------------------------------------------------

def test_roles_change_to_any_combination(admin_client, ops):
    admin_client.post(reverse("accounts:change_roles"),
                      {"member": ops.pk, "roles": ["marketplace", "support"]})
    ops.refresh_from_db()
    assert (ops.can_marketplace, ops.can_view_health, ops.can_support) == (True, False, True)


def test_last_super_admin_cannot_be_demoted_or_removed(admin_client, admin):
    before = state()
    response = admin_client.post(reverse("accounts:change_roles"),
                                 {"member": admin.pk, "roles": ["ops"]})
    assert response.status_code == 400 and b"at least one super admin" in response.content
    response = admin_client.post(reverse("accounts:remove_member"), {"member": admin.pk})
    assert response.status_code == 400 and b"last super admin" in response.content
    assert state() == before


def test_a_super_admin_can_step_down_when_another_remains(admin_client, admin, portal):
    add_member(portal, "second@acme.test", PASSWORD, is_super_admin=True)
    admin_client.post(reverse("accounts:change_roles"), {"member": admin.pk, "roles": ["ops"]})
    admin.refresh_from_db()
    assert not admin.is_super_admin


def test_removed_member_is_signed_out_at_once(admin_client, ops_client, ops):
    assert ops_client.get(reverse("home")).status_code in (200, 302)
    response = admin_client.post(reverse("accounts:remove_member"), {"member": ops.pk})
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=ops.pk).exists()
    answer = ops_client.get(reverse("home"))
    assert answer.status_code == 302 and reverse("accounts:login") in answer["Location"]


def test_mutations_need_csrf(admin, admin_client):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin.user)
    assert invite(client).status_code == 403
    assert Invitation.objects.count() == 0
