"""Failed sign-ins: Django announces them with `user_login_failed`; each becomes an entry."""

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from syncapp.audit.log import record_sign_in
from syncapp.audit.models import AuditAction


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def login_failed(sender, credentials, request=None, **kwargs):
    """One entry in each portal of the named account, else one without a portal. The
    password never reaches the log: Django has already masked it."""
    username = str(credentials.get("username", ""))[:254]
    record_sign_in(request, AuditAction.LOGIN_FAILED, username, {"username": username})
