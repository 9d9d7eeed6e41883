"""The product's TokenStore: tokens encrypted in Postgres, refreshes under a Redis lock.

Connector calls run outside database transactions, so a token saved by one
worker is visible to the next one that takes the lock.
"""

import datetime as dt
import logging
from contextlib import contextmanager
from functools import cache

import redis
from django.conf import settings
from django.utils import timezone

from connectors.sdk import ConnectorError, Token
from syncapp.integrations.crypto import decrypt_json, encrypt_json
from syncapp.integrations.models import Connection, ConnectionStatus

log = logging.getLogger(__name__)
LOCK_TIMEOUT_S = 60  # longer than any token endpoint call; a dead worker's lock expires


@cache
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def token_to_dict(token: Token) -> dict:
    return {
        "access_token": token.access_token, "refresh_token": token.refresh_token,
        "expires_at": token.expires_at, "scope": token.scope, "extra": token.extra,
    }


def token_from_dict(data: dict) -> Token:
    return Token(
        access_token=data["access_token"], refresh_token=data.get("refresh_token"),
        expires_at=data.get("expires_at"), scope=data.get("scope", ""),
        extra=data.get("extra", {}),
    )


def store_token(connection: Connection, token: Token) -> None:
    """Encrypt `token` onto the connection (not saved: the caller saves)."""
    connection.token_ciphertext = encrypt_json(token_to_dict(token))
    connection.token_expires_at = (
        dt.datetime.fromtimestamp(token.expires_at, tz=dt.UTC) if token.expires_at else None
    )


class DbTokenStore:
    def __init__(self, connection: Connection):
        self.connection_id = connection.pk

    def load(self) -> Token:
        ciphertext = (
            Connection.objects.filter(pk=self.connection_id)
            .values_list("token_ciphertext", flat=True).get()
        )
        return token_from_dict(decrypt_json(ciphertext))

    def save(self, token: Token) -> None:
        connection = Connection.objects.get(pk=self.connection_id)
        store_token(connection, token)
        connection.save(update_fields=["token_ciphertext", "token_expires_at", "updated_at"])
        log.info("token refreshed", extra={"connection_id": self.connection_id,
                                           "expires_at": token.expires_at})

    @contextmanager
    def lock(self):
        lock = redis_client().lock(
            f"syncapp:token-refresh:{self.connection_id}",
            timeout=LOCK_TIMEOUT_S, blocking_timeout=LOCK_TIMEOUT_S,
        )
        if not lock.acquire():
            raise TimeoutError("another worker held the token refresh lock too long")
        try:
            yield
        finally:
            lock.release()

    def mark_needs_reconnect(self, error: ConnectorError) -> None:
        log.warning("refresh refused: connection needs reconnect",
                    extra={"connection_id": self.connection_id, "category": str(error.category)})
        Connection.objects.filter(pk=self.connection_id).update(
            status=ConnectionStatus.NEEDS_RECONNECT,
            last_error_category=str(error.category),
            last_error_message=error.vendor_message or error.message,
            updated_at=timezone.now(),
        )
