"""A connection's receiving endpoint: its address and the credentials it checks."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from syncapp.inbound import credentials
from syncapp.inbound.models import Endpoint
from syncapp.integrations.models import Connection


def endpoint_for(connection: Connection) -> Endpoint:
    """The connection's endpoint, made (with fresh credentials) on first use."""
    endpoint = Endpoint.objects.filter(connection=connection).first()
    if endpoint is not None:
        return endpoint
    try:
        with transaction.atomic():
            return Endpoint.objects.create(
                portal_id=connection.portal_id, connection=connection,
                secret_ciphertext=credentials.encrypt(credentials.generate()))
    except IntegrityError:  # made by another worker a moment ago
        return Endpoint.objects.get(connection=connection)


def receiving_url(endpoint: Endpoint) -> str:
    path = reverse("inbound:endpoint", args=[endpoint.connection.app_key, endpoint.route])
    return settings.SITE_URL + path
