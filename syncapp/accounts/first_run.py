"""The first portal of an installation and its first super admin, from the command line.

An operator runs `manage.py create_portal`; nobody can sign in yet, so the admin gets
an unusable password and a one-time link to choose one. The link is Django's password
reset token: it is signed with SECRET_KEY, expires after PASSWORD_RESET_TIMEOUT, and
hashes the user's password, so setting a password spends it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from syncapp.accounts.models import Membership, Portal
from syncapp.accounts.services import add_member, create_portal


class FirstRunError(ValueError):
    """Input the first run refuses; the message is for the operator."""


@dataclass
class FirstRun:
    membership: Membership
    link: str


def set_password_link(user) -> str:
    """An absolute, signed, single-use link (built from SITE_URL) to choose a password."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:set_password", args=[uidb64, token])


def check_input(name: str, email: str) -> None:
    """Refuse a blank or taken portal name (case-insensitive) and a malformed e-mail."""
    if not name:
        raise FirstRunError(_("The portal needs a name."))
    if Portal.objects.filter(name__iexact=name).exists():
        raise FirstRunError(_("A portal named “%(name)s” already exists.") % {"name": name})
    try:
        validate_email(email)
    except ValidationError:
        message = _("“%(email)s” is not a valid e-mail address.") % {"email": email}
        raise FirstRunError(message) from None


@transaction.atomic
def start_portal(name: str, email: str) -> FirstRun:
    """Create portal `name` with `email` as its super admin; nothing is written on refusal."""
    name, email = name.strip(), email.strip()
    check_input(name, email)
    membership = add_member(create_portal(name), email, password=None, is_super_admin=True)
    return FirstRun(membership=membership, link=set_password_link(membership.user))
