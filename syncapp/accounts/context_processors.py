from syncapp.accounts.models import Membership


def portal(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "current_portal": request.portal,
        "current_membership": request.membership,
        "all_memberships": Membership.objects.filter(user=user).select_related("portal"),
    }
