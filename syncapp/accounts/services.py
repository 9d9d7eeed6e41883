"""Creating portals and members. A new portal is announced (accounts.signals), so the
apps built on accounts give it what it needs: the CRM its default properties."""

from django.contrib.auth import get_user_model
from django.db import transaction

from syncapp.accounts.models import Membership, Portal
from syncapp.accounts.signals import portal_created


@transaction.atomic
def create_portal(name: str) -> Portal:
    portal = Portal.objects.create(name=name)
    portal_created.send(sender=Portal, portal=portal)  # the CRM's default properties
    return portal


def add_member(portal: Portal, email: str, password: str | None = None, **flags) -> Membership:
    user_model = get_user_model()
    user = user_model.objects.filter(username=email).first()
    if user is None:
        user = user_model.objects.create_user(username=email, email=email, password=password)
    return Membership.objects.create(user=user, portal=portal, **flags)
