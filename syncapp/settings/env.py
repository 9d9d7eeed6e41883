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


def envchoice(name: str, choices: tuple[str, ...], default: str) -> str:
    """One of `choices` (case-insensitive); anything else stops start-up."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {raw!r}")
    return value


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


_SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
_FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
_EMAIL_FLAGS = {"tls": "EMAIL_USE_TLS", "ssl": "EMAIL_USE_SSL"}


def _email_flag(query: dict, name: str) -> bool:
    values = query.get(name, ["0"])
    if len(values) != 1 or values[0].lower() not in _TRUE | _FALSE - {""}:
        raise ImproperlyConfigured(f"EMAIL_URL: ?{name}= must be 1 or 0, not {values!r}")
    return values[0].lower() in _TRUE


def email_from_url(url: str) -> dict:
    """Django's EMAIL_* settings from smtp://user:pass@host:587?tls=1, console:// or
    file:///absolute/folder (one file per sent batch: trials and the deployed-mode test).

    One variable instead of six, parsed strictly: a typo stops start-up with a
    message naming EMAIL_URL (never echoing the password) rather than mail
    silently going to localhost:25.
    """
    parts = urlsplit(url.strip())
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": _CONSOLE_BACKEND}
    if parts.scheme == "file":
        return _file_mail(parts)
    if parts.scheme != "smtp":
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, console:// or file://, "
            f"not {parts.scheme or '(none)'}://"
        )
    try:
        port = parts.port or 25
    except ValueError as exc:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number") from exc
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL needs a host: smtp://user:pass@host:587?tls=1")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - set(_EMAIL_FLAGS))
    if unknown:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown option(s) {unknown}; use tls=1 or ssl=1")
    flags = {setting: _email_flag(query, name) for name, setting in _EMAIL_FLAGS.items()}
    if all(flags.values()):
        raise ImproperlyConfigured("EMAIL_URL: choose tls=1 (STARTTLS, port 587) or ssl=1 "
                                   "(port 465), not both")
    return {
        "EMAIL_BACKEND": _SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        **flags,
    }


def _file_mail(parts) -> dict:
    """file:///var/mail/syncapp: every message written to a file in that folder."""
    folder = unquote(parts.path)
    if parts.netloc or not folder.startswith("/") or parts.query:
        raise ImproperlyConfigured(
            "EMAIL_URL: a file URL names an absolute folder and nothing else: file:///var/mail")
    return {"EMAIL_BACKEND": _FILE_BACKEND, "EMAIL_FILE_PATH": folder}


# Secrets printed in this repository (docker-compose.yml's old defaults, the dev,
# test and image-build settings): anyone can read them, so a real installation
# must not run on them.
PUBLISHED_SECRET_KEYS = {
    "insecure-compose-default-set-SECRET_KEY-in-.env",
    "dev-only-not-secret",
    "test-only-not-secret",
    "collectstatic-only",
}
PUBLISHED_ENCRYPTION_KEYS = {
    "C5INbLnyxeeyn8ADx4goCOWyMoYKxte5Mt6DtGvXyIg=",
    "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=",
    "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=",
    "Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXJlYWwta3k=",
}
PUBLISHED_DATABASE_PASSWORDS = {"syncapp"}

_HOW_TO_SET = {
    "SECRET_KEY": 'SECRET_KEY (python -c "import secrets; print(secrets.token_urlsafe(50))")',
    "ENCRYPTION_KEY": 'ENCRYPTION_KEY (python -c "from cryptography.fernet import Fernet; '
                      'print(Fernet.generate_key().decode())")',
    "POSTGRES_PASSWORD": "POSTGRES_PASSWORD (the password in DATABASE_URL)",
}


def refuse_published_secrets(secret_key: str, encryption_key: str, database: dict) -> None:
    """Stop start-up on a secret published in this repository, unless SYNCAPP_DEMO=1
    says this is a trial. The message lists exactly what to set."""
    if envbool("SYNCAPP_DEMO", False):
        return
    published = []
    if secret_key in PUBLISHED_SECRET_KEYS:
        published.append("SECRET_KEY")
    if {key.strip() for key in encryption_key.split(",")} & PUBLISHED_ENCRYPTION_KEYS:
        published.append("ENCRYPTION_KEY")
    if database.get("PASSWORD") in PUBLISHED_DATABASE_PASSWORDS:
        published.append("POSTGRES_PASSWORD")
    if published:
        raise ImproperlyConfigured(
            f"{', '.join(published)} still have the published default value(s), which anyone "
            f"can read. Set in .env: {'; '.join(_HOW_TO_SET[name] for name in published)}. "
            f"For a trial only, set SYNCAPP_DEMO=1 instead."
        )
