from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from syncapp.accounts.forms import ThrottledAuthenticationForm
from syncapp.accounts.middleware import SESSION_KEY
from syncapp.accounts.models import Membership
from syncapp.accounts.sessions import end_all_sessions
from syncapp.core import params


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link `create_portal` prints: choose a password, then you are signed in.

    Django's reset view checks the token (signed, expiring, spent once the password
    changes); a link that fails the check answers 400 with a message instead of a form.
    """

    template_name = "accounts/set_password.html"
    post_reset_login = True
    success_url = reverse_lazy("home")

    def render_to_response(self, context, **response_kwargs):
        if not context.get("validlink"):
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)
class PasswordResetView(auth_views.PasswordResetView):
    """Mails a reset link, rendered in the language of the request that asked for it
    (the product stores no per-user language), to the address if it has an account;
    the page says the same either way."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_extra_email_context(self):
        # The link points at SITE_URL, never at the Host header an attacker could forge.
        return {"site_url": settings.SITE_URL}

    def form_valid(self, form):
        self.extra_email_context = self.get_extra_email_context()
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link holds a token tied to the password hash and last login, so once the
    password is set the same link is refused (the template says so)."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        messages.success(self.request, gettext_lazy("Your password was changed."))
        return super().form_valid(form)


@login_required
@require_POST
def sign_out_everywhere(request):
    """Ends every session of the user, on every browser and device, this one included."""
    end_all_sessions(request.user)
    logout(request)
    messages.success(request, _("You were signed out on every device."))
    return redirect("accounts:login")


@login_required
@require_POST
def switch_portal(request):
    portal_id = params.parse_id(request.POST.get("portal", ""), "portal")
    membership = Membership.objects.filter(user=request.user, portal_id=portal_id).first()
    if membership is None:
        raise Http404
    request.session[SESSION_KEY] = membership.portal_id
    messages.success(request, _("Switched to %(portal)s.") % {"portal": membership.portal.name})
    return redirect(params.local_path(request.POST.get("next"), request) or "home")
