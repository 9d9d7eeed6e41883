"""Production-safe settings. Everything site-specific comes from the environment."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from syncapp.core import queues
from syncapp.core.logging import LOG_FORMATS
from syncapp.settings.env import (
    database_from_url,
    email_from_url,
    envbool,
    envchoice,
    envint,
    envlist,
    envstr,
    oauth_credentials_from_env,
    refuse_published_secrets,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set (any long random string).")
# Fernet key(s), comma-separated, newest first: encrypt connection tokens at rest.
ENCRYPTION_KEY = envstr("ENCRYPTION_KEY")
if not ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "ENCRYPTION_KEY must be set: python -c \"from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())\""
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = envstr("SITE_URL", "http://localhost:8000").rstrip("/")
# Pages asked for on another host name are redirected to SITE_URL's (where OAuth
# vendors send people back, and their session cookie lives), except on these names.
SITE_HOST_ALIASES = envlist("SITE_HOST_ALIASES")

DATABASE_URL = envstr("DATABASE_URL")
if not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL must be set (postgres://user:pass@host:port/db).")
DATABASES = {"default": database_from_url(DATABASE_URL)}
# Only when these are the settings in use (production, compose): dev and test
# import this module under their own keys and must keep starting.
if os.environ.get("DJANGO_SETTINGS_MODULE", __name__) == __name__:
    refuse_published_secrets(SECRET_KEY, ENCRYPTION_KEY, DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "syncapp",
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles: its runserver (core/management/commands) is the one that runs.
    "syncapp.core",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "syncapp.accounts",
    "syncapp.crm",
    "syncapp.integrations",
    "syncapp.syncs",
    "syncapp.health",
    "syncapp.audit",
    "syncapp.monitoring",
    "syncapp.api",
    "syncapp.alerts",
    "syncapp.webhooks",
    "syncapp.inbound",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "syncapp.core.csp.ContentSecurityPolicyMiddleware",
    "syncapp.core.site_host.SiteHostMiddleware",
    "syncapp.api.middleware.ApiProblemMiddleware",  # /api/v1/ errors as problem+json
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "syncapp.accounts.middleware.CurrentPortalMiddleware",
    "syncapp.core.queue.QueueUnreachableMiddleware",
    "syncapp.core.params.BadInputMiddleware",  # NUL refused, BadParam -> 400
    "syncapp.alerts.languages.RememberLanguageMiddleware",  # alert mails' language
]

ROOT_URLCONF = "syncapp.urls"
WSGI_APPLICATION = "syncapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "syncapp.accounts.context_processors.portal",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("pt-br", _("Portuguese (Brazil)"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
# Where collectstatic gathers the files whitenoise serves (the image: at build time).
STATIC_ROOT = Path(envstr("STATIC_ROOT") or BASE_DIR / ".data" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (app.3f2a….css): whitenoise may then tell browsers to keep a file
    # for a year, and a new release's file has a new name. DEBUG serves the plain names.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Secure cookies mean the site is served over HTTPS: browsers then refuse plain HTTP
# to it for a year (SecurityMiddleware sends HSTS on HTTPS responses only).
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31_536_000) if SESSION_COOKIE_SECURE else 0
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(BASE_DIR / ".data" / "mail"))
# EMAIL_URL (smtp://user:pass@host:587?tls=1, console:// or file:///folder), when set,
# replaces the variables above: one line in .env instead of six.
if envstr("EMAIL_URL"):
    globals().update(email_from_url(envstr("EMAIL_URL")))
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Syncapp <syncapp@localhost>")
# Record-view exports (CSV, Excel) wait here for their requester to download them.
EXPORT_ROOT = envstr("EXPORT_ROOT", str(BASE_DIR / ".data" / "exports"))

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Queues by kind of work, each with its own time limits: syncapp/core/queues.py.
# A test that starts its own worker prefixes its queues (settings/test.py).
TASK_QUEUE_PREFIX = ""
CELERY_TASK_ROUTES = ("syncapp.core.queues.route",)
CELERY_TASK_ANNOTATIONS = queues.time_limits()
CELERY_TASK_DEFAULT_QUEUE = queues.queue_name(queues.DEFAULT_KIND, TASK_QUEUE_PREFIX)
# Tasks outside the table (none today) get the sync kind's limits.
CELERY_TASK_TIME_LIMIT = queues.KINDS[queues.DEFAULT_KIND].time_limit_s
CELERY_TASK_SOFT_TIME_LIMIT = queues.KINDS[queues.DEFAULT_KIND].soft_time_limit_s
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": queues.VISIBILITY_TIMEOUT_S}
# Workers log through LOGGING above (structured lines), not Celery's own setup.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# How often a new sync looks for changes on both sides (the help article promises 10 min).
SYNC_POLL_INTERVAL_S = envint("SYNC_POLL_INTERVAL_S", 120)
# The initial sync commits each batch on a second connection while it reads and decides
# the next (syncs/run/ahead.py), so Postgres and Python work at the same time. On by
# default since the links' statistics are taken after a batch commits: before, a lookup
# made while a batch was in flight took them, recorded the links as an empty table, and
# reading ahead lost up to 25%. Measured since: 4,859 against 4,348 records/s at
# 1,000,000 contacts a side, 5,553-5,667 against 5,319-5,503 at 100,000.
SYNC_READ_AHEAD = envbool("SYNC_READ_AHEAD", True)
# The REST API (syncapp/api): calls per key per minute, and the largest request body.
API_RATE_PER_MINUTE = envint("API_RATE_PER_MINUTE", 120)
API_MAX_BODY_BYTES = envint("API_MAX_BODY_BYTES", 1_048_576)
# A sync's run lock lives this long unless its worker renews it (every third of it):
# a dead worker's lock lapses within seconds, and a run that met it retries then.
SYNC_LOCK_TTL_S = envint("SYNC_LOCK_TTL_S", 10)
# How long an app create a dead worker left pending waits before it is sent again
# (syncs/run/runner.py, PENDING_GRACE, says why).
SYNC_PENDING_GRACE_S = envint("SYNC_PENDING_GRACE_S", 60)
# At most this many runs of one portal at once, so one portal's hundred syncs never
# starve another's: keep it below the sync worker's concurrency (syncs/tasks.py).
SYNC_PORTAL_CONCURRENCY = envint("SYNC_PORTAL_CONCURRENCY", 2)
# Inbound vendor webhooks (syncapp/inbound): events one connection may deliver in 10 s
# before the excess is dropped (a run still starts), and the least time between two
# runs a webhook or a hub change starts for one sync.
INBOUND_EVENTS_PER_10S = envint("INBOUND_EVENTS_PER_10S", 200)
INBOUND_DEBOUNCE_S = float(envint("INBOUND_DEBOUNCE_S", 2))
# Off: webhooks are still verified and recorded, but neither they nor hub changes start
# runs, so every change waits for its sync's poll (a switch for operators; the bench
# measures polling alone so).
INBOUND_REAL_TIME = envbool("INBOUND_REAL_TIME", True)
# Runs and the values they wrote are kept this long (the audit log: a year, always).
RUN_HISTORY_RETENTION_DAYS = envint("RUN_HISTORY_RETENTION_DAYS", 90)
HEARTBEAT_INTERVAL_S = float(envint("HEARTBEAT_INTERVAL_S", 30))
SYNC_TICK_S = float(envint("SYNC_TICK_S", 30))
# Alerts are checked after every run, and this often for what no run reports.
ALERTS_EVALUATE_S = float(envint("ALERTS_EVALUATE_S", 30))
# Outbound webhooks (syncapp/webhooks): each try waits this long for an answer; a
# failed one is tried again after WEBHOOK_RETRY_BASE_S, doubling up to
# WEBHOOK_RETRY_MAX_DELAY_S, for WEBHOOK_RETRY_WINDOW_S (24 h) after the event.
WEBHOOK_TIMEOUT_S = float(envint("WEBHOOK_TIMEOUT_S", 10))
WEBHOOK_RETRY_BASE_S = float(envint("WEBHOOK_RETRY_BASE_S", 30))
WEBHOOK_RETRY_MAX_DELAY_S = float(envint("WEBHOOK_RETRY_MAX_DELAY_S", 3 * 3600))
WEBHOOK_RETRY_WINDOW_S = float(envint("WEBHOOK_RETRY_WINDOW_S", 24 * 3600))
# Requests to user-given URLs (webhooks) may reach private, loopback and link-local
# addresses, and use plain http, only when this is on: a developer's own receiver,
# the test suite's. Never in production (syncapp/core/outbound.py).
OUTBOUND_ALLOW_PRIVATE = envbool("OUTBOUND_ALLOW_PRIVATE", False)
# DSN apps (PostgreSQL table, syncapp/integrations/dsn.py): hosts Syncapp may connect to
# although they are private or loopback addresses (empty: public addresses only); each
# statement's timeout; how many connections Syncapp's workers hold to one database.
SYNC_POSTGRES_ALLOWED_HOSTS = envlist("SYNC_POSTGRES_ALLOWED_HOSTS", "")
SYNC_POSTGRES_STATEMENT_TIMEOUT_MS = envint("SYNC_POSTGRES_STATEMENT_TIMEOUT_MS", 30_000)
SYNC_POSTGRES_MAX_CONNECTIONS = envint("SYNC_POSTGRES_MAX_CONNECTIONS", 2)
# Every entry expires by its next turn: a queue that was down gets one message per
# entry when it comes back, not a pile of stale ones.
CELERY_BEAT_SCHEDULE = {
    **{f"heartbeat-{kind}": {  # one per queue: /healthz tells which kind has no worker
        "task": "syncapp.core.tasks.heartbeat",
        "schedule": HEARTBEAT_INTERVAL_S,
        "args": (kind,),
        "options": {"headers": {"from_beat": True}, "expires": HEARTBEAT_INTERVAL_S},
    } for kind in queues.KINDS},
    "sync-tick": {
        "task": "syncapp.syncs.tasks.tick",
        "schedule": SYNC_TICK_S,
        "options": {"expires": SYNC_TICK_S},
    },
    "health-sweep": {  # resends resync, restore, retry and export jobs a lost message left
        "task": "syncapp.health.tasks.sweep",
        "schedule": 120.0,
        "options": {"expires": 120.0},
    },
    "alerts-evaluate": {  # what no run reports: time passing, a connection to reconnect
        "task": "syncapp.alerts.tasks.evaluate_all",
        "schedule": ALERTS_EVALUATE_S,
        "options": {"expires": ALERTS_EVALUATE_S},
    },
    "webhooks-sweep": {  # deliveries whose retry message a restart lost
        "task": "syncapp.webhooks.tasks.sweep",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    "key-diff": {  # deletes of apps without a delete feed (syncs/keydiff.py), daily
        "task": "syncapp.syncs.tasks.diff_app_keys",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600.0},
    },
    "prune-history": {  # runs past RUN_HISTORY_RETENTION_DAYS, audit entries past a year
        "task": "syncapp.syncs.tasks.prune_history",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600.0},
    },
    "inbound-prune": {  # inbound webhook events past a day (de-duplication needs minutes)
        "task": "syncapp.inbound.tasks.prune_events",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
}

# The sandbox emulators of vendors' APIs; off in production, on in `make run`.
# When on, every connector talks to its sandbox instead of the vendor.
SANDBOXES_ENABLED = envbool("SANDBOXES_ENABLED", False)
# The sandboxes' state (accounts, records, OAuth codes and tokens, sign-ins) in Redis,
# shared by every web process (gunicorn runs several), rather than in each process's
# memory; it costs about a millisecond a request (syncapp/integrations/sandbox_state.py).
SANDBOX_SHARED_STATE = envbool("SANDBOX_SHARED_STATE", SANDBOXES_ENABLED)
# Where the product's own processes (workers, and web redeeming an OAuth code) call the
# sandboxes; browsers always use SITE_URL. Under compose a worker's localhost is not web,
# so compose sets http://web:8000. Empty: SITE_URL.
SANDBOX_INTERNAL_URL = envstr("SANDBOX_INTERNAL_URL").rstrip("/")

# OAuth apps registered at each vendor: OAUTH_<APP>_CLIENT_ID / OAUTH_<APP>_CLIENT_SECRET.
OAUTH_CREDENTIALS = oauth_credentials_from_env()

# Lists never count past this many rows: "10,000+" is enough for a person.
CRM_COUNT_CAP = envint("CRM_COUNT_CAP", 10_000)
CRM_PAGE_SIZE = envint("CRM_PAGE_SIZE", 50)

# Debug pages and error mails hide settings and environment variables that may hold
# credentials, DATABASE_URL and REDIS_URL included.
DEFAULT_EXCEPTION_REPORTER_FILTER = "syncapp.core.debug.CredentialsHiddenFilter"

# LOG_FORMAT=json writes one JSON object per line (same fields) for log stores.
LOG_FORMAT = envchoice("LOG_FORMAT", LOG_FORMATS, "keyvalue")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "keyvalue": {
            "()": "syncapp.core.logging.KeyValueFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "syncapp.core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
}

# Monitoring (syncapp/monitoring/): /metrics answers only a scraper sending
# "Authorization: Bearer <METRICS_TOKEN>", and is not there at all while it is unset.
METRICS_TOKEN = envstr("METRICS_TOKEN")
# Errors of web and workers go to Sentry when set (pip install "syncapp[sentry]"),
# scrubbed of tokens, cookies and record values first.
SENTRY_DSN = envstr("SENTRY_DSN").strip()
if SENTRY_DSN:
    from syncapp.monitoring.sentry import start_sentry

    start_sentry(SENTRY_DSN, environment=envstr("SENTRY_ENVIRONMENT", "production"))

# Login throttling (syncapp/accounts/throttle.py): this many failed sign-ins within the
# window, for one e-mail or from one IP address, lock sign-in for the lockout period.
LOGIN_FAILURES_PER_ACCOUNT = envint("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_IP = envint("LOGIN_FAILURES_PER_IP", 20)
LOGIN_FAILURE_WINDOW_MINUTES = envint("LOGIN_FAILURE_WINDOW_MINUTES", 15)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
# A password-reset link is valid this long (Django's setting; the default is 3 days).
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)
