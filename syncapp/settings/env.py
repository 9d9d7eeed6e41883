"""Strict parsing of settings from the environment.

A value that is set but malformed stops start-up with a message naming the
variable, rather than silently falling back to a default.
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name?host=/socket/dir into Django's dict."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// (Syncapp runs on Postgres only), "
            f"not {parts.scheme}://"
        )
    query = parse_qs(parts.query)
    host = query.get("host", [parts.hostname or ""])[0]
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


def with_redis_database(url: str, number: int) -> str:
    """The same Redis server as `url`, database `number` (the URL's path)."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{number}"))


def oauth_credentials_from_env() -> dict[str, tuple[str, str]]:
    """{app key: (client id, client secret)} from OAUTH_<APP>_CLIENT_ID/_CLIENT_SECRET."""
    found = {}
    for name, client_id in os.environ.items():
        if not (name.startswith("OAUTH_") and name.endswith("_CLIENT_ID")) or not client_id:
            continue
        app = name[len("OAUTH_"):-len("_CLIENT_ID")]
        secret = os.environ.get(f"OAUTH_{app}_CLIENT_SECRET", "")
        if not secret:
            raise ImproperlyConfigured(f"{name} is set but OAUTH_{app}_CLIENT_SECRET is not.")
        found[app.lower()] = (client_id, secret)
    return found
