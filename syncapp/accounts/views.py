from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from syncapp.accounts.middleware import SESSION_KEY
from syncapp.accounts.models import Membership
from syncapp.core import params


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
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
