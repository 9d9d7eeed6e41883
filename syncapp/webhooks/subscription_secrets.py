"""A subscription's signing secrets, encrypted at rest: what services.py writes when a
subscription is created or its secret rotated, and what deliver.py signs with."""

from django.utils import timezone

from syncapp.integrations.crypto import decrypt_json, encrypt_json
from syncapp.webhooks.models import Subscription


def encrypt_secret(secret: str) -> str:
    return encrypt_json({"secret": secret})


def secret_of(ciphertext: str) -> str:
    return decrypt_json(ciphertext)["secret"]


def signing_secrets(subscription: Subscription) -> list[str]:
    """The current secret, and the previous one during its 24 hours of overlap."""
    found = [secret_of(subscription.secret_ciphertext)]
    if (subscription.previous_secret_ciphertext and subscription.previous_valid_until
            and subscription.previous_valid_until > timezone.now()):
        found.append(secret_of(subscription.previous_secret_ciphertext))
    return found
