"""Puts the signed-in user's current portal and membership on the request."""

from django.utils.functional import SimpleLazyObject

from syncapp.accounts.models import Membership

SESSION_KEY = "portal_id"


def current_membership(request) -> Membership | None:
    user = request.user
    if not user.is_authenticated:
        return None
    memberships = Membership.objects.filter(user=user).select_related("portal")
    chosen = request.session.get(SESSION_KEY)
    if chosen is not None:
        found = memberships.filter(portal_id=chosen).first()
        if found:
            return found
    return memberships.order_by("portal__name", "portal_id").first()


class CurrentPortalMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: current_membership(request))
        request.portal = SimpleLazyObject(
            lambda: request.membership.portal if request.membership else None
        )
        return self.get_response(request)
