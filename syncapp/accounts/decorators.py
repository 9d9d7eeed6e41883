"""The one gate every portal page goes through: signed in, a member, permitted."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from syncapp.accounts.permissions import PERMISSION_LABELS, Permission


def portal_view(permission: Permission | None = None):
    """Require a signed-in member of the current portal, holding `permission` if given."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.membership:
                return render(request, "accounts/no_portal.html", status=403)
            if permission and not request.membership.has(permission):
                return permission_denied(request, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def permission_denied(request, permission: Permission):
    context = {"missing_permission": PERMISSION_LABELS[permission]}
    return render(request, "accounts/permission_denied.html", context, status=403)
