"""Settings for the test suite: real Postgres and Redis from the environment."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
# A fixed, public key: fine for local data, never for production.
os.environ.setdefault("ENCRYPTION_KEY", "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=")
os.environ.setdefault("SANDBOXES_ENABLED", "true")

from syncapp.settings.base import *  # noqa: F403

# Django's test client asks for http://testserver/: not a browser on the wrong host.
SITE_HOST_ALIASES = ["testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Keep the suite's Redis keys and queues apart from any `make run` on the same server.
CACHES["default"]["KEY_PREFIX"] = "syncapp-test"  # noqa: F405
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "global_keyprefix": "syncapp-test:",
}
# A test that starts its own worker gives it a queue of its own, so that workers of
# other test runs sharing this Redis never take its tasks (see tests/syncs/worker.py).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("SYNCAPP_TEST_QUEUE", "default")
