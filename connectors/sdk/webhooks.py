"""Vendor webhooks as the SDK sees them: a hint that records changed, never the data.

A connector whose capabilities say `webhooks` names how the vendor proves a delivery
is its own (`Connector.webhook_auth`) and turns a delivery's parsed JSON into
`WebhookEvent`s (`Connector.webhook_events`). The product verifies, de-duplicates and
debounces, then reads the records through the API as a poll would: no value of a
payload is ever written anywhere.
"""

import datetime as dt
from dataclasses import dataclass

# HTTP basic-auth credentials the product generates and hands to the vendor when it
# registers a webhook for one account (Pipedrive).
BASIC_AUTH = "basic"
# One endpoint for the whole OAuth app, each delivery signed with the app's client
# secret and its events naming their account (HubSpot).
APP_SIGNATURE = "app_signature"
# A key the product generates and hands to the vendor when it registers a webhook for
# one account, sent back as the `code` query parameter of every delivery (Dataverse's
# WebhookKey authentication).
WEBHOOK_KEY = "webhook_key"
# The kinds registered per account, through the product's per-connection path.
PER_ACCOUNT = (BASIC_AUTH, WEBHOOK_KEY)
ACTIONS = ("create", "change", "delete")


@dataclass(frozen=True)
class WebhookEvent:
    """One change the vendor announced."""

    event_id: str  # the vendor's id of the event: a repeat of it is a duplicate
    object_name: str  # the app object ("persons")
    action: str  # one of ACTIONS
    record_id: str
    occurred_at: dt.datetime  # when the vendor says the change happened (UTC)
    account_id: str = ""  # the vendor account, where one endpoint serves them all


@dataclass(frozen=True)
class WebhookRequest:
    """A delivery as it reached the product, for signature checks."""

    method: str
    url: str  # the public address the vendor called (SITE_URL + path and query)
    headers: dict[str, str]  # lower-case names
    body: bytes


class WebhookRefused(Exception):
    """A signed delivery that is not the vendor's (`reason` "credentials") or too old to
    trust (`reason` "stale")."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class MalformedWebhook(ValueError):
    """The delivery's JSON is not the vendor's webhook shape; the message says why."""


def parse_moment(raw: object) -> dt.datetime:
    """A webhook timestamp: RFC 3339 text or epoch seconds (or milliseconds)."""
    if isinstance(raw, bool):
        raise MalformedWebhook("timestamp is not a time")
    if isinstance(raw, int | float):
        seconds = raw / 1000 if raw > 10**11 else raw
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    if isinstance(raw, str) and raw:
        try:
            moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise MalformedWebhook(f"timestamp {raw[:40]!r} is not a time") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    raise MalformedWebhook("timestamp is missing")
