"""Recording an audit entry: the one place that decides what an entry holds.

Callers record inside the transaction of the action itself, so an action that rolls
back leaves no entry, and an entry never claims something that did not happen.
"""

import datetime as dt
import ipaddress

from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from syncapp.accounts.throttle import client_ip
from syncapp.audit.models import RETENTION_DAYS, AuditEntry

LABEL_MAX = 200


def _actor_of(request_or_actor):
    """(user or None, portal or None, ip or None) from a request or a user (None: system)."""
    if isinstance(request_or_actor, HttpRequest):
        user = request_or_actor.user if request_or_actor.user.is_authenticated else None
        return user, getattr(request_or_actor, "portal", None), _address(request_or_actor)
    return request_or_actor, None, None


def _address(request: HttpRequest) -> str | None:
    """The person's address: behind the TLS proxy, the one it forwarded, not its own."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def _object_fields(obj, label: str | None) -> dict:
    if obj is None:
        return {}
    label = str(obj) if label is None else label
    if isinstance(obj, models.Model):
        return {"object_type": obj._meta.model_name, "object_id": str(obj.pk or ""),
                "object_label": label[:LABEL_MAX]}
    return {"object_label": label[:LABEL_MAX]}


def _portal_of(obj):
    return getattr(obj, "portal", None) if hasattr(obj, "portal_id") else None


def record(request_or_actor, action, obj=None, changes=None, *, portal=None, actor=None,
           label: str | None = None) -> AuditEntry:
    """Add one entry for `action` on `obj`, done by a request's user or a user (None: system).

    The portal is the request's, else `portal`, else the object's own. `actor` names the
    person when the request's user is not signed in yet (an invitee creating an account);
    `label` replaces `str(obj)` as the object's label (the e-mail a reader searches for).
    """
    user, request_portal, ip = _actor_of(request_or_actor)
    user = user or actor
    return AuditEntry.objects.create(
        portal=portal or request_portal or _portal_of(obj),
        actor=user, actor_label=(user.get_username() if user else "")[:254],
        action=action, changes=changes or {}, ip=ip, **_object_fields(obj, label),
    )


def record_sign_in(request, action, username: str, changes: dict) -> None:
    """An entry about a sign-in attempt naming `username`: one in each portal of that
    account (so its admins see it), else one without a portal. Nothing of it reaches the
    person signing in, so it cannot tell them whether the account exists."""
    username = str(username)[:254]
    user = account_named(username)
    portals = [m.portal for m in user.memberships.select_related("portal")] if user else []
    for portal in portals or [None]:
        record(request, action, username, changes, portal=portal)


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for each field whose value changed."""
    return {key: [before.get(key), after.get(key)]
            for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)}


def account_named(username: str):
    """The user an attempted sign-in named, or None (the audit notes failures per portal)."""
    if not username:
        return None
    return get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()


def prune(now=None) -> int:
    """Delete entries past retention (the only DELETE the table's trigger lets through);
    returns how many. Meant for a daily beat task."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=RETENTION_DAYS)
    deleted, _by_model = AuditEntry.objects.filter(created_at__lt=cutoff).delete()
    return deleted
