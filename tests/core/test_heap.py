"""A sync worker's pool process starts with what it loaded out of the collector's full
passes (syncapp/core/heap.py): they walked every module and registry object each time,
a fifth of an initial sync's time (make bench measures it)."""

import gc

from celery.signals import worker_process_init


def test_a_worker_process_starts_with_its_loaded_objects_frozen():
    gc.unfreeze()  # whatever an in-process worker of an earlier test froze
    try:
        worker_process_init.send(sender=None)
        # Django, Celery, the connectors and the engine: far more than a handful.
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()  # the rest of the test session collects as before
