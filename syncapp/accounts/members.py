"""Inviting people to a portal, changing their roles and removing them.

One function per action (invite, resend, revoke, accept, change_roles, remove_member),
so each has one place where its rules live and where it is announced (`member_changed`,
which the audit log records), in the action's own transaction. Every refusal raises
`MemberError` before anything is written. `by` is the request (or the user) acting: the
audit entry's person and address.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from syncapp.accounts.models import Invitation, Membership, Portal
from syncapp.accounts.sessions import end_all_sessions
from syncapp.accounts.signals import MemberAction, member_changed

INVITATION_LIFETIME = timedelta(days=7)
ROLE_FIELDS = {  # the form's value -> the flag on Membership and Invitation
    "super_admin": "is_super_admin",
    "marketplace": "can_marketplace",
    "ops": "can_view_health",
    "support": "can_support",
}
ROLE_LABELS = {"super_admin": gettext_lazy("Super admin"),
               "marketplace": gettext_lazy("App Marketplace"),
               "ops": gettext_lazy("Ops"), "support": gettext_lazy("Support")}


class MemberError(ValueError):
    """A refused member action; `field` names the form field, `message` is for the user."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Roles:
    super_admin: bool = False
    marketplace: bool = False
    ops: bool = False
    support: bool = False

    @classmethod
    def from_names(cls, names) -> "Roles":
        return cls(**dict.fromkeys(names, True))

    @classmethod
    def of(cls, holder) -> "Roles":
        """The roles a Membership or an Invitation holds."""
        return cls(**{name: getattr(holder, flag) for name, flag in ROLE_FIELDS.items()})

    def flags(self) -> dict[str, bool]:
        return {flag: getattr(self, name) for name, flag in ROLE_FIELDS.items()}

    def names(self) -> list[str]:
        return [name for name in ROLE_FIELDS if getattr(self, name)]


def _record(by, action: MemberAction, obj, changes: dict, actor=None) -> None:
    """Announce the action (the audit log records it in the object's portal: an
    invitee's request may be in another), labelled with the person's e-mail so that it
    can be found."""
    email = obj.email if isinstance(obj, Invitation) else obj.user.email
    member_changed.send(sender=type(obj), by=by, action=action, obj=obj, changes=changes,
                        actor=actor, label=email)


def normal_email(raw: str) -> str:
    email = (raw or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise MemberError("email", _("Enter a valid e-mail address.")) from None
    return email


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, _hash(token)


def is_member(portal: Portal, email: str) -> bool:
    return Membership.objects.filter(portal=portal, user__username__iexact=email).exists()


@transaction.atomic
def invite(portal: Portal, email: str, roles: Roles, invited_by, *, by=None) -> Invitation:
    """Store an invitation and mail its link in the inviter's current language."""
    email = normal_email(email)
    if is_member(portal, email):
        raise MemberError("email", _("%(email)s is already a member of this portal.")
                          % {"email": email})
    token, token_hash = _new_token()
    invitation = Invitation.objects.create(
        portal=portal, email=email, invited_by=invited_by, token_hash=token_hash,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        sent_at=timezone.now(), **roles.flags())
    _record(by or invited_by, MemberAction.INVITE_SENT, invitation,
            {"roles": roles.names()})
    _mail(invitation, token)
    return invitation


@transaction.atomic
def resend(invitation: Invitation, *, by) -> Invitation:
    """A new link (the old one stops working) and seven more days."""
    _require_pending(invitation)
    token, invitation.token_hash = _new_token()
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["token_hash", "sent_at"])
    _record(by, MemberAction.INVITE_RESENT, invitation, {"roles": Roles.of(invitation).names()})
    _mail(invitation, token)
    return invitation


@transaction.atomic
def revoke(invitation: Invitation, *, by) -> Invitation:
    """The link stops working; the invitation leaves the pending list."""
    _require_pending(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    _record(by, MemberAction.INVITE_REVOKED, invitation, {"roles": Roles.of(invitation).names()})
    return invitation


def _require_pending(invitation: Invitation) -> None:
    if not invitation.is_pending:
        raise MemberError("invitation", _("This invitation was already used or revoked."))


def _mail(invitation: Invitation, token: str) -> None:
    # SITE_URL, never the request's Host header, which a forged request could set.
    link = settings.SITE_URL + reverse("accounts:accept_invitation") + "?token=" + token
    with translation.override(invitation.language):
        context = {"invitation": invitation, "link": link,
                   "inviter": invitation.invited_by.email if invitation.invited_by else ""}
        subject = _("You are invited to %(portal)s on Syncapp") % {
            "portal": invitation.portal.name}
        body = render_to_string("accounts/invitation_email.txt", context)
    send_mail(subject, body, None, [invitation.email])


def find_invitation(token: str, lock: bool = False) -> Invitation:
    """The pending, unexpired invitation a link's token opens; refused otherwise. With
    `lock`, a second accept of the same link waits and then finds it used."""
    found = Invitation.objects.select_related("portal")
    if lock:
        found = found.select_for_update(of=("self",))
    invitation = found.filter(token_hash=_hash(token or "")).first()
    if invitation is None or invitation.revoked_at is not None:
        raise MemberError("token", _("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        raise MemberError("token", _("This invitation link was already used."))
    if timezone.now() > invitation.sent_at + INVITATION_LIFETIME:
        raise MemberError("token", _("This invitation link has expired. Ask for a new one."))
    return invitation


@transaction.atomic
def accept(token: str, user=None, name: str = "", password: str = "", *, by=None) -> Membership:
    """Join the invitation's portal: as `user` (signed in as the invited e-mail), or as a
    new user with `name` and `password`."""
    invitation = find_invitation(token, lock=True)
    account = "existing"
    if user is None:
        user, account = _new_user(invitation.email, name, password), "new"
    elif user.username.lower() != invitation.email:
        raise MemberError("token", _("This invitation is for %(email)s. Sign in as that "
                                     "address to accept it.") % {"email": invitation.email})
    if Membership.objects.filter(portal=invitation.portal, user=user).exists():
        raise MemberError("token", _("You are already a member of this portal."))
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    roles = Roles.of(invitation)
    membership = Membership.objects.create(portal=invitation.portal, user=user, **roles.flags())
    _record(by or user, MemberAction.INVITE_ACCEPTED, invitation,
            {"roles": roles.names(), "account": account}, actor=user)
    return membership


def _new_user(email: str, name: str, password: str):
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=email).exists():
        raise MemberError("token", _("An account with this e-mail exists: sign in to "
                                     "accept the invitation."))
    if not name:
        raise MemberError("name", _("Enter your name."))
    user = user_model(username=email, email=email, first_name=name[:150])
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise MemberError("password", " ".join(error.messages)) from None
    user.set_password(password)
    user.save()
    return user


def _other_super_admins(membership: Membership) -> bool:
    return Membership.objects.filter(portal_id=membership.portal_id, is_super_admin=True) \
        .exclude(pk=membership.pk).exists()


@transaction.atomic
def change_roles(membership: Membership, roles: Roles, *, by) -> Membership:
    """Give the member exactly `roles`; the audit notes before and after (nothing when
    the roles were already these)."""
    _lock_portal(membership.portal_id)
    if membership.is_super_admin and not roles.super_admin \
            and not _other_super_admins(membership):
        raise MemberError("roles", _("A portal needs at least one super admin."))
    before = Roles.of(membership)
    for flag, on in roles.flags().items():
        setattr(membership, flag, on)
    membership.save(update_fields=list(ROLE_FIELDS.values()))
    if roles != before:
        _record(by, MemberAction.ROLE_CHANGED, membership,
                {"roles": [before.names(), roles.names()]})
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, by) -> None:
    """Delete the membership and end every session of that user at once."""
    _lock_portal(membership.portal_id)
    if membership.is_super_admin and not _other_super_admins(membership):
        raise MemberError("member", _("The last super admin cannot be removed."))
    user = membership.user
    # Recorded before the delete, while the membership still has its id.
    _record(by, MemberAction.MEMBER_REMOVED, membership, {"roles": Roles.of(membership).names()})
    membership.delete()
    end_all_sessions(user)


def _lock_portal(portal_id: int) -> None:
    """Two admins demoting each other at once must not leave the portal without one."""
    Portal.objects.select_for_update().filter(pk=portal_id).first()
