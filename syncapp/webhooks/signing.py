"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

A message is signed as `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` with the
secret's bytes (the part after `whsec_`, base64). Several signatures are separated by
spaces; a receiver accepts the message if any of them matches one of its secrets.
"""

import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_header(secrets_: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    return " ".join(sign(s, message_id, timestamp, body) for s in secrets_)


def verify(secret: str, message_id: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a receiver does: one of the header's signatures is the secret's."""
    expected = sign(secret, message_id, int(timestamp), body)
    return any(hmac.compare_digest(expected, given) for given in header.split())
