"""Creating portals and members: the one place that knows what a new portal needs."""

from django.contrib.auth import get_user_model
from django.db import transaction

from syncapp.accounts.models import Membership, Portal
from syncapp.crm.schema import install_default_properties


@transaction.atomic
def create_portal(name: str) -> Portal:
    portal = Portal.objects.create(name=name)
    install_default_properties(portal)
    return portal


def add_member(portal: Portal, email: str, password: str | None = None, **flags) -> Membership:
    user_model = get_user_model()
    user = user_model.objects.filter(username=email).first()
    if user is None:
        user = user_model.objects.create_user(username=email, email=email, password=password)
    return Membership.objects.create(user=user, portal=portal, **flags)
