"""Apps whose webhooks belong to the app, not to an account (APP_SIGNATURE: HubSpot):
whoever runs Syncapp points them at SITE_URL/inbound/<app>/ once, with the app
developer's credentials (`manage.py app_webhooks <app>`). With sandboxes on, the app's
sandbox is the vendor and knows its own developer credentials."""

from django.conf import settings
from django.urls import reverse

from connectors.sdk.webhooks import APP_SIGNATURE
from syncapp.integrations import sandbox_state
from syncapp.integrations.catalog import api_bases, connector_class, sandbox_api_root


class NotAppLevel(ValueError):
    """The app takes webhooks per account (or none): there is nothing to set up once."""


def target_url(app_key: str) -> str:
    return settings.SITE_URL + reverse("inbound:app_endpoint", args=[app_key])


def configure_app_webhooks(app_key: str, app_id: str = "", developer_key: str = "") -> int:
    """Point the app's webhooks at this installation and subscribe to what its connector
    syncs; how many subscriptions were added. Without credentials, the sandbox's own
    (sandboxes on). LookupError for an unknown app, NotAppLevel, ValueError when
    credentials are missing; the vendor's refusal as requests.HTTPError."""
    cls = connector_class(app_key)
    if cls.webhook_auth != APP_SIGNATURE:
        raise NotAppLevel(f"{cls.spec.name} takes webhooks per account: nothing to set up "
                          "once (they are registered when a sync turns on).")
    if settings.SANDBOXES_ENABLED and not (app_id or developer_key):
        factory = sandbox_state.sandbox_factory(app_key)
        app_id = getattr(factory, "developer_app_id", "")
        developer_key = getattr(factory, "developer_api_key", "")
        root = sandbox_api_root(app_key)
    else:
        root = api_bases(cls)["api"]
    if not (app_id and developer_key):
        raise ValueError("Give the app's id and its developer's API key.")
    return cls.configure_app_webhooks(root, app_id, developer_key, target_url(app_key))
