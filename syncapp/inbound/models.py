"""What inbound webhooks keep: where each connection's vendor delivers, what it
registered, the events seen (for de-duplication), and the bad input refused."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.models import PortalOwned
from syncapp.integrations.models import Connection


def new_route() -> str:
    """The unguessable part of an endpoint's address (a connection's id would let
    anyone probe which connections exist)."""
    return secrets.token_urlsafe(18)


class Endpoint(PortalOwned):
    """Where one connection's vendor delivers webhooks, and what it must send to be
    believed. The credentials are Fernet-encrypted like the OAuth tokens
    (integrations.crypto): Syncapp hands the password to the vendor on every
    registration, so a one-way hash would not do."""

    connection = models.OneToOneField(Connection, on_delete=models.CASCADE,
                                      related_name="inbound")
    route = models.CharField(max_length=40, unique=True, default=new_route)
    secret_ciphertext = models.TextField()
    last_event_at = models.DateTimeField(null=True, blank=True)
    # Why real time is off for this connection (a refused registration), shown on the
    # sync page; empty while it works.
    off_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"inbound endpoint of {self.connection_id}"

    def __repr__(self) -> str:  # never the ciphertext
        return f"<Endpoint {self.pk} connection={self.connection_id}>"


class Subscription(PortalOwned):
    """One webhook the vendor holds for us: the changes of one app object."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE,
                                 related_name="subscriptions")
    app_object = models.CharField(max_length=80)
    vendor_id = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["endpoint", "app_object"],
                                               name="inbound_one_subscription_per_object")]

    def __str__(self) -> str:
        return f"{self.app_object} webhook {self.vendor_id}"


class Event(PortalOwned):
    """An event accepted once: the vendor's id is unique per endpoint, so a duplicate
    or a late retry of it starts nothing."""

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=200)
    app_object = models.CharField(max_length=80)
    action = models.CharField(max_length=10)
    record_id = models.CharField(max_length=200)
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"],
                                               name="inbound_event_once")]
        # The hourly prune (tasks.prune_events) deletes by age.
        indexes = [models.Index(fields=["received_at"], name="inbound_event_received")]

    def __str__(self) -> str:
        return f"{self.action} {self.app_object} {self.record_id}"


class Refusal(models.TextChoices):
    BAD_CREDENTIALS = "bad_credentials", _("Bad or missing credentials")
    UNKNOWN_ENDPOINT = "unknown_endpoint", _("Unknown connection")
    STALE = "stale", _("Older than 5 minutes")
    TOO_LARGE = "too_large", _("Body over 1 MB")
    MALFORMED = "malformed", _("Malformed payload")
    FLOOD = "flood", _("Dropped in a flood")
    DUPLICATE = "duplicate", _("Duplicate")


class RefusalCount(models.Model):
    """How many deliveries were refused (or dropped) for one reason: the connection's
    (None: an address no endpoint has), with the newest one's time and detail."""

    endpoint = models.ForeignKey(Endpoint, null=True, on_delete=models.CASCADE,
                                 related_name="refusals")
    reason = models.CharField(max_length=20, choices=Refusal.choices)
    count = models.PositiveBigIntegerField(default=0)
    last_at = models.DateTimeField()
    last_detail = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["endpoint", "reason"],
                                               name="inbound_refusal_per_reason",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return f"{self.reason}: {self.count}"

