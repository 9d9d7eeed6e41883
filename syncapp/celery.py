"""The Celery app. Tasks take ids only; Postgres holds every state that matters."""

import os

from celery import Celery
from celery.signals import worker_process_init

from syncapp.core.heap import settle_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syncapp.settings.base")

app = Celery("syncapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _settle_heap(**_) -> None:
    """A pool process starts with the worker's modules loaded (syncapp/core/heap.py)."""
    settle_heap()
