"""Creating, revoking and checking API keys; each creation and revocation is audited.

A key reads `sk_live_<id>_<secret>`: the id finds the row in one indexed lookup, the
secret is compared by hash in constant time. Only the hash is stored, so the full key
is shown once, when it is created.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from syncapp import audit
from syncapp.api.models import ApiKey
from syncapp.audit.models import AuditAction

PREFIX = "sk_live_"
_TOKEN = re.compile(r"sk_live_([0-9]{1,18})_([A-Za-z0-9_-]{20,100})")
TOUCH_EVERY_S = 60  # last_used_at is rewritten at most this often per key


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    token: str  # shown once; never stored


@transaction.atomic
def create_key(portal, name: str, scope: str, by) -> NewKey:
    """A new key of `portal`, acting as `by`'s user; the token is returned once."""
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(portal=portal, name=name, scope=scope,
                                secret_hash=_hash(secret), created_by=_user_of(by))
    audit.record(by, AuditAction.API_KEY_CREATED, key, {"scope": scope}, portal=portal)
    return NewKey(key, f"{PREFIX}{key.pk}_{secret}")


@transaction.atomic
def revoke_key(key: ApiKey, by) -> None:
    """Refuse the key from now on; revoking twice changes nothing."""
    locked = ApiKey.objects.select_for_update().get(pk=key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(by, AuditAction.API_KEY_REVOKED, locked, portal=locked.portal)


def key_for(token: str) -> ApiKey | None:
    """The active key this token names, or None (unknown, malformed, wrong, revoked, or
    its creator no longer a member of its portal)."""
    found = _TOKEN.fullmatch(token or "")
    if not found:
        return None
    # A key stops with its creator's membership: whoever left the portal acts in it no more.
    key = (ApiKey.objects.select_related("portal", "created_by")
           .filter(pk=int(found[1]), revoked_at__isnull=True,
                   created_by__memberships__portal_id=F("portal_id")).first())
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(found[2])):
        return None
    _touch(key)
    return key


def _touch(key: ApiKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > TOUCH_EVERY_S:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now


def _user_of(by):
    return getattr(by, "user", by)
