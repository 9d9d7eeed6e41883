"""The Celery app. Tasks take ids only; Postgres holds every state that matters."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syncapp.settings.base")

app = Celery("syncapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
