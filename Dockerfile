# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Settings find templates/, static/ and locale/ beside the package
    # (BASE_DIR), so the code runs from /app, not from site-packages.
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=syncapp.settings.base

RUN groupadd --system syncapp \
    && useradd --system --gid syncapp --home-dir /app --shell /usr/sbin/nologin syncapp

WORKDIR /app

# Dependencies first, in their own layer: code changes do not reinstall them. They come
# from the lock (requirements/, hashes checked), as in `make`; README, "Dependencies".
COPY requirements/ requirements/
# The image with Sentry (SENTRY_DSN): `docker-compose build --build-arg EXTRAS=sentry`.
ARG EXTRAS=""
RUN pip install --require-hashes -r "requirements/deploy${EXTRAS:+-$EXTRAS}.txt"

COPY . .
RUN pip install --no-deps . \
    && rm -rf build *.egg-info

# Static files are collected (and compressed for whitenoise) at build time;
# the settings demand secrets and a database URL but collectstatic uses none.
RUN SYNCAPP_DEMO=1 SECRET_KEY=collectstatic-only DATABASE_URL=postgres://build@localhost/build \
    ENCRYPTION_KEY=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXJlYWwta3k= \
    python manage.py collectstatic --noinput --verbosity 0

# The exports volume (docker-compose.yml) mounts here: a fresh named volume takes
# this folder's owner, so the non-root user can write exports into it.
RUN mkdir -p /data/exports && chown syncapp:syncapp /data/exports

USER syncapp
EXPOSE 8000
CMD ["gunicorn", "syncapp.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
