"""The Members page (super admins) and the invitation link's landing page."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from syncapp.accounts import members
from syncapp.accounts.decorators import portal_view
from syncapp.accounts.middleware import SESSION_KEY
from syncapp.accounts.models import Invitation, Membership
from syncapp.accounts.permissions import Permission
from syncapp.core import params

SUPER_ADMIN = Permission.MANAGE_MEMBERS


def _roles(request) -> members.Roles:
    names = [params.text(v, "roles", 40) for v in request.POST.getlist("roles")]
    unknown = [n for n in names if n not in members.ROLE_FIELDS]
    if unknown:
        raise params.BadParam("roles", _("“roles” holds an unknown role."))
    return members.Roles.from_names(set(names))


def _page(request, status=200, error=None, email=""):
    portal = request.portal
    context = {
        "memberships": Membership.objects.filter(portal=portal).select_related("user")
        .order_by("user__username"),
        "invitations": Invitation.objects.filter(
            portal=portal, accepted_at=None, revoked_at=None),
        "role_names": members.ROLE_FIELDS,
        "error": error, "email": email,
    }
    return render(request, "accounts/members.html", context, status=status)


@portal_view(SUPER_ADMIN)
def members_page(request):
    return _page(request)


def _refused(request, error: members.MemberError, email=""):
    return _page(request, status=400, error=error, email=email)


def _act(request, action, done: str, then: str = "accounts:members"):
    """Run one member action; on success say `done` and go to `then`, on refusal
    re-render the page with the reason (nothing was written)."""
    try:
        action()
    except members.MemberError as error:
        return _refused(request, error)
    messages.success(request, done)
    return redirect(then)


@require_POST
@portal_view(SUPER_ADMIN)
def invite(request):
    email = params.text(request.POST.get("email"), "email", 254)
    roles = _roles(request)
    try:
        members.invite(request.portal, email, roles, request.user, by=request)
    except members.MemberError as error:
        return _refused(request, error, email)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
    return redirect("accounts:members")


def _invitation(request) -> Invitation:
    pk = params.parse_id(request.POST.get("invitation"), "invitation")
    found = Invitation.objects.filter(portal=request.portal, pk=pk).first()
    if found is None:
        raise Http404
    return found


def _membership(request) -> Membership:
    pk = params.parse_id(request.POST.get("member"), "member")
    found = Membership.objects.filter(portal=request.portal, pk=pk).first()
    if found is None:
        raise Http404
    return found


@require_POST
@portal_view(SUPER_ADMIN)
def resend_invitation(request):
    invitation = _invitation(request)
    return _act(request, lambda: members.resend(invitation, by=request),
                _("Invitation sent again to %(email)s.") % {"email": invitation.email})


@require_POST
@portal_view(SUPER_ADMIN)
def revoke_invitation(request):
    invitation = _invitation(request)
    return _act(request, lambda: members.revoke(invitation, by=request),
                _("Invitation to %(email)s revoked.") % {"email": invitation.email})


@require_POST
@portal_view(SUPER_ADMIN)
def change_roles(request):
    membership, roles = _membership(request), _roles(request)
    return _act(request, lambda: members.change_roles(membership, roles, by=request),
                _("Roles of %(email)s saved.") % {"email": membership.user.email})


@require_POST
@portal_view(SUPER_ADMIN)
def remove_member(request):
    membership = _membership(request)
    leaving = membership.user_id == request.user.id  # removed themselves: signed out
    return _act(request, lambda: members.remove_member(membership, by=request),
                _("%(email)s was removed from this portal.") % {"email": membership.user.email},
                then="accounts:login" if leaving else "accounts:members")


def accept_invitation(request):
    """GET shows the invitation; POST joins: in one click when signed in as the invited
    address, or with a name and password for a new account."""
    token = params.text(request.GET.get("token") or request.POST.get("token"), "token", 100)
    try:
        invitation = members.find_invitation(token)
    except members.MemberError as error:
        return _accept_page(request, None, token, error, status=400)
    if request.method != "POST":
        return _accept_page(request, invitation, token)
    user = request.user if request.user.is_authenticated else None
    try:
        membership = members.accept(
            token, user, name=params.text(request.POST.get("name"), "name", 150),
            password=params.text(request.POST.get("password"), "password", 4096),
            by=request)
    except members.MemberError as error:
        return _accept_page(request, invitation, token, error, status=400)
    if user is None:
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = membership.portal_id
    messages.success(request, _("Welcome to %(portal)s.") % {"portal": membership.portal.name})
    return redirect("home")


def _accept_page(request, invitation, token, error=None, status=200):
    context = {"invitation": invitation, "token": token, "error": error,
               "name": request.POST.get("name", "")[:150]}
    return render(request, "accounts/accept_invitation.html", context, status=status)
