"""Encryption at rest for connection secrets (Fernet: AES-128-CBC with HMAC-SHA256).

ENCRYPTION_KEY holds one or more comma-separated Fernet keys; the first
encrypts, all decrypt, so keys can be rotated without a migration.
"""

import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet() -> MultiFernet:
    keys = [k.strip() for k in settings.ENCRYPTION_KEY.split(",") if k.strip()]
    if not keys:
        raise ImproperlyConfigured(
            "ENCRYPTION_KEY must be set to a Fernet key (see README, Configuration)."
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"ENCRYPTION_KEY is not a valid Fernet key: {exc}") from None


def encrypt_json(data: dict) -> str:
    return _fernet().encrypt(json.dumps(data).encode()).decode()


def decrypt_json(ciphertext: str) -> dict:
    try:
        return json.loads(_fernet().decrypt(ciphertext.encode()))
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted: ENCRYPTION_KEY changed without keeping the "
            "old key (list the old key after the new one)."
        ) from None
