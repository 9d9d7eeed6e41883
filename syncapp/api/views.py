"""The API keys page: super admins create a key (shown once) and revoke keys."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from syncapp.accounts.decorators import portal_view
from syncapp.accounts.permissions import Permission
from syncapp.api import keys
from syncapp.api.models import ApiKey, Scope
from syncapp.core import params

SUPER_ADMIN = Permission.MANAGE_MEMBERS
NAME_MAX = ApiKey._meta.get_field("name").max_length


def _page(request, status: int = 200, **context):
    context.update(keys=ApiKey.objects.for_portal(request.portal).select_related("created_by"),
                   scopes=Scope.choices)
    return render(request, "api/keys.html", context, status=status)


@require_GET
@portal_view(SUPER_ADMIN)
def key_list(request):
    return _page(request)


@require_POST
@portal_view(SUPER_ADMIN)
def create(request):
    name = params.text(request.POST.get("name"), "name", max_length=NAME_MAX)
    scope = request.POST.get("scope", "")
    errors = {}
    if not name:
        errors["name"] = _("Give the key a name, such as the script that will use it.")
    if scope not in Scope.values:
        errors["scope"] = _("Choose whether the key may only read, or read and write.")
    if errors:
        return _page(request, status=400, errors=errors, name=name)
    created = keys.create_key(request.portal, name, scope, request)
    # Rendered, not redirected: the secret must not wait in a session or a URL.
    return _page(request, new_key=created)


@require_POST
@portal_view(SUPER_ADMIN)
def revoke(request, key_id: int):
    key = get_object_or_404(ApiKey.objects.for_portal(request.portal), pk=key_id)
    keys.revoke_key(key, request)
    messages.success(request, _("The key “%(name)s” is revoked: calls with it are refused "
                                "from now on.") % {"name": key.name})
    return redirect("apikeys:list")
