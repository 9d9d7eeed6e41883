"""What other apps announce and the audit log records: failed sign-ins (Django's
`user_login_failed`), lockouts and the people actions (syncapp/accounts/signals.py).

Signals are sent inside the action's transaction, so an action that rolls back leaves
no entry."""

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from syncapp.accounts.signals import lockout_started, member_changed
from syncapp.audit.log import record, record_sign_in
from syncapp.audit.models import AuditAction


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def login_failed(sender, credentials, request=None, **kwargs):
    """One entry in each portal of the named account, else one without a portal. The
    password never reaches the log: Django has already masked it."""
    username = str(credentials.get("username", ""))[:254]
    record_sign_in(request, AuditAction.LOGIN_FAILED, username, {"username": username})


@receiver(lockout_started, dispatch_uid="audit-lockout-started")
def lockout(sender, request, username, changes, **kwargs):
    """The failure that starts a lockout, once (the attempts refused during it are not)."""
    record_sign_in(request, AuditAction.LOGIN_LOCKED_OUT, username, changes)


@receiver(member_changed, dispatch_uid="audit-member-changed")
def member_action(sender, *, by, action, obj, changes, actor=None, label=None, **kwargs):
    """The entry goes to the object's portal: an invitee's request may be in another."""
    record(by, AuditAction(action), obj, changes, portal=obj.portal, actor=actor, label=label)
