"""Ending a user's sessions on every device."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone


def end_all_sessions(user) -> int:
    """Delete every live session signed in as `user`; returns how many ended.

    Sessions are stored in the database (Django's default engine), keyed by an opaque
    id, so each live one is decoded to find its user. An installation has few live
    sessions, and this runs only when someone asks to sign out everywhere."""
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
