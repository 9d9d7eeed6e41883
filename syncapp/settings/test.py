"""Settings for the test suite: real Postgres and Redis from the environment."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
# A fixed, public key: fine for local data, never for production.
os.environ.setdefault("ENCRYPTION_KEY", "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=")
os.environ.setdefault("SANDBOXES_ENABLED", "true")

from syncapp.settings.base import *  # noqa: F403

# The live server is one process, and tests reach into the sandbox object it serves
# (faults, patched methods): in memory, unless a test's own processes ask for Redis.
SANDBOX_SHARED_STATE = envbool("SANDBOX_SHARED_STATE", False)  # noqa: F405

# The PostgreSQL table app's tests sync with a second database on this machine.
SYNC_POSTGRES_ALLOWED_HOSTS = envlist("SYNC_POSTGRES_ALLOWED_HOSTS", "127.0.0.1")  # noqa: F405

# Django's test client asks for http://testserver/: not a browser on the wrong host.
SITE_HOST_ALIASES = ["testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A Celery worker a test starts mails to files the test reads (TEST_EMAIL_BACKEND,
# with EMAIL_FILE_PATH): its locmem outbox would die with it.
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND",
                               "django.core.mail.backends.locmem.EmailBackend")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Keep the suite's Redis keys and queues apart from any `make run` on the same server.
CACHES["default"]["KEY_PREFIX"] = "syncapp-test"  # noqa: F405
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
    "global_keyprefix": "syncapp-test:",
}
# A test that starts its own worker gives it queues of its own (this prefix before
# each kind's queue name), so that workers of other test runs sharing this Redis
# never take its tasks (see tests/kits/worker.py).
TASK_QUEUE_PREFIX = os.environ.get("SYNCAPP_TEST_QUEUE", "test") + "-"
CELERY_TASK_DEFAULT_QUEUE = queues.queue_name(queues.DEFAULT_KIND, TASK_QUEUE_PREFIX)  # noqa: F405

# Under pytest-xdist each worker process has its own test database (pytest-django
# names it test_<name>_gw<N>), so ids repeat across workers: keys built from ids
# (token locks, rate-limit windows, heartbeats, preview caches) and export files
# would collide. Each worker therefore gets a Redis database and an export folder
# of its own; the Celery processes a test starts inherit PYTEST_XDIST_WORKER and
# land on the same ones.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER:
    from urllib.parse import urlsplit

    from syncapp.settings.env import with_redis_database

    # Counted from REDIS_URL's own database, so two runs given databases 0 and 8 keep
    # apart (0 → 1, 2, …; 8 → 9, 10, …).
    _BASE_DB = int(urlsplit(REDIS_URL).path.strip("/") or 0)  # noqa: F405
    REDIS_URL = with_redis_database(
        REDIS_URL, _BASE_DB + int(_XDIST_WORKER.removeprefix("gw")) + 1)  # noqa: F405
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CELERY_BROKER_URL = REDIS_URL
    if "EXPORT_ROOT" not in os.environ:  # a test that sets it shares it with its worker
        EXPORT_ROOT = f"{EXPORT_ROOT}-{_XDIST_WORKER}"  # noqa: F405
