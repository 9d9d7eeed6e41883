"""From an installed connector class to a working connector for one connection.

The only place that decides where a connector talks to: the vendor's production
API, or its sandbox under /sandbox/<app>/ when SANDBOXES_ENABLED is on.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from connectors.sdk import Connector, HttpClient, OAuth2Auth, OAuth2Client, OAuth2Spec, registry
from connectors.sdk.callmeter import RedisCallMeter
from connectors.sdk.ratelimit import RedisRateLimiter
from connectors.sdk.sandbox.oauth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from connectors.sdk.usage import ApiUsage, RedisUsageGauge, read_usage
from connectors.sdk.weblinks import record_url
from syncapp.integrations.crypto import decrypt_json
from syncapp.integrations.models import Connection
from syncapp.integrations.tokens import DbTokenStore, redis_client


def installed() -> dict[str, type[Connector]]:
    return registry.connectors()


def connector_class(app_key: str) -> type[Connector]:
    return registry.get(app_key)


def sandbox_root(app_key: str) -> str:
    """The sandbox as a browser reaches it (consent pages, "open in the app" links)."""
    return f"{settings.SITE_URL}/sandbox/{app_key}"


def sandbox_api_root(app_key: str) -> str:
    """The sandbox as the product's own processes call it (API, token endpoint)."""
    return f"{settings.SANDBOX_INTERNAL_URL or settings.SITE_URL}/sandbox/{app_key}"


def api_bases(cls: type[Connector]) -> dict[str, str]:
    if settings.SANDBOXES_ENABLED:
        return cls.sandbox_bases(sandbox_api_root(cls.spec.key))
    return dict(cls.api_bases)


def app_record_url(connection: Connection, app_object: str, app_id: str | None) -> str | None:
    """The record's page in the vendor's app, for "open in the app" links."""
    if not app_id:
        return None
    cls = connector_class(connection.app_key)
    web_root = cls.sandbox_web_root(sandbox_root(cls.spec.key)) if (
        settings.SANDBOXES_ENABLED) else None
    return record_url(cls.spec, app_object, app_id, connection.account_extra or {}, web_root)


def api_usage(connections) -> dict[int, ApiUsage]:
    """{connection id: the vendor's latest report of its daily API budget}, for the apps
    that report one (what the last run saw: the page never calls a vendor)."""
    reporting = [c.pk for c in connections
                 if c.app_key in installed() and installed()[c.app_key].spec.reports_api_usage]
    return read_usage(redis_client(), reporting)


def redirect_uri(app_key: str) -> str:
    """Where the vendor sends the user back after consent (registered at each vendor)."""
    return settings.SITE_URL + reverse("integrations:oauth_callback", args=[app_key])


def oauth_client(cls: type[Connector], account: dict | None = None) -> OAuth2Client:
    """The OAuth client of `cls`; `account` (the connection's details, or the consent
    redirect's) picks the regional token endpoint where the vendor has one."""
    key, details = cls.spec.key, account or {}
    if not isinstance(cls.spec.auth, OAuth2Spec):
        raise ImproperlyConfigured(f"{cls.spec.name} does not sign in with OAuth.")
    if settings.SANDBOXES_ENABLED:
        browser, server, paths = sandbox_root(key), sandbox_api_root(key), cls.sandbox_paths
        return OAuth2Client(
            cls.spec.auth, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, redirect_uri(key),
            authorize_url=browser + paths["authorize"],
            token_url=cls.oauth_url(server + paths["token"], details),
            revoke_url=cls.oauth_url(server + paths["revoke"], details)
            if "revoke" in paths else None,
        )
    credentials = settings.OAUTH_CREDENTIALS.get(key)
    if not credentials:
        upper = key.upper()
        raise ImproperlyConfigured(
            f"No OAuth app configured for {cls.spec.name}: set OAUTH_{upper}_CLIENT_ID and "
            f"OAUTH_{upper}_CLIENT_SECRET (see README, 'Connecting real vendor accounts')."
        )
    auth = cls.spec.auth
    return OAuth2Client(
        auth, credentials[0], credentials[1], redirect_uri(key),
        token_url=cls.oauth_url(auth.token_url, details),
        revoke_url=cls.oauth_url(auth.revoke_url, details) if auth.revoke_url else None,
    )


def dsn_credentials(dsn: str) -> dict:
    """What a DSN app's connector is given: the DSN and the product's limits on it."""
    return {"dsn": dsn, "allowed_hosts": list(settings.SYNC_POSTGRES_ALLOWED_HOSTS),
            "statement_timeout_ms": settings.SYNC_POSTGRES_STATEMENT_TIMEOUT_MS,
            "max_connections": settings.SYNC_POSTGRES_MAX_CONNECTIONS}


def build_connector(connection: Connection) -> Connector:
    """A connector for `connection`: its token, its shared rate limit, its API roots,
    and its calls counted for /metrics (a DSN app: its decrypted DSN and limits)."""
    cls = connector_class(connection.app_key)
    if cls.spec.auth.kind == "dsn":
        secret = decrypt_json(connection.token_ciphertext) if connection.token_ciphertext \
            else {}
        return cls(HttpClient(), account=connection.account_extra,
                   credentials=dsn_credentials(secret.get("dsn", "")))
    limit = cls.spec.rate_limit
    limiter = RedisRateLimiter(
        redis_client(), f"{connection.app_key}:{connection.account_id}",
        limit.requests, limit.per_seconds,
    )
    auth = OAuth2Auth(oauth_client(cls, connection.account_extra), DbTokenStore(connection),
                      scope=cls.token_scope(connection.account_extra))
    budget = connection.api_budget_share / 100 if cls.spec.reports_api_usage else None
    http = HttpClient(auth=auth, limiter=limiter,
                      meter=RedisCallMeter(redis_client(), connection.pk),
                      usage_gauge=RedisUsageGauge(redis_client(), connection.pk),
                      budget_share=budget)
    return cls(http, api_bases=api_bases(cls), account=connection.account_extra)


@contextmanager
def connector_for(connection: Connection, given: Connector | None = None) -> Iterator[Connector]:
    """`given` as it is (its owner closes it), else a connector built for `connection`
    and closed once the block ends, so what it holds (a database app's connection slot)
    is freed at once rather than whenever the collector gets to it."""
    if given is not None:
        yield given
        return
    connector = build_connector(connection)
    try:
        yield connector
    finally:
        connector.close()
