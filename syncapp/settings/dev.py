"""Settings for `make run`: DEBUG, sandboxes on, mail written to a folder."""

import os

os.environ.setdefault("SECRET_KEY", "dev-only-not-secret")
# A fixed, public key: fine for local data, never for production.
os.environ.setdefault("ENCRYPTION_KEY", "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SANDBOXES_ENABLED", "true")
# `make run`: a PostgreSQL table on this machine may be connected (a developer's own).
os.environ.setdefault("SYNC_POSTGRES_ALLOWED_HOSTS", "127.0.0.1,localhost,::1")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")

from syncapp.settings.base import *  # noqa: F403
