"""The sign-in form, with the login throttle in front of the password check."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from syncapp.accounts import throttle
from syncapp.accounts.signals import lockout_started

# One message whether or not the e-mail belongs to an account: a lockout must not
# tell an attacker which addresses are registered.
LOCKED_OUT = _("Too many failed sign-in attempts. Try again in %(minutes)s minutes, "
               "or reset your password.")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses every attempt, right password included, while the e-mail or the address
    is locked out, and counts each failure towards a lockout. The failure that starts a
    lockout is audited once; the attempts refused during it are not."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = throttle.client_ip(self.request)
        if throttle.is_locked(username, ip):
            raise self._locked_out()
        try:
            return super().clean()
        except forms.ValidationError:
            if self.cleaned_data.get("password") is None:
                raise
            counted = throttle.record_failure(username, ip)
            if counted.started:
                lockout_started.send(
                    sender=type(self), request=self.request, username=username,
                    changes={"username": username, "ip": ip, "locked": list(counted.started)})
            if counted.locked:
                raise self._locked_out() from None
            raise

    def _locked_out(self) -> forms.ValidationError:
        return forms.ValidationError(LOCKED_OUT, code="locked_out",
                                     params={"minutes": settings.LOGIN_LOCKOUT_MINUTES})
