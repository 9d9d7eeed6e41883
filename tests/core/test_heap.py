"""A sync worker's pool process starts with what it loaded out of the collector's full
passes (syncapp/core/heap.py): they walked every module and registry object each time,
a fifth of an initial sync's time (make bench measures it). While a sync runs, the
collector's young passes are rare."""

import gc

import pytest
from celery.signals import worker_process_init
from django.db import OperationalError

from syncapp.core import heap
from syncapp.crm.models import Record
from syncapp.syncs.run import executor
from syncapp.syncs.run.runner import SyncRunner
from tests.kits.engine import five_contacts, run, seen_at_commits


def test_a_worker_process_starts_with_its_loaded_objects_frozen():
    gc.unfreeze()  # whatever an in-process worker of an earlier test froze
    try:
        worker_process_init.send(sender=None)
        # Django, Celery, the connectors and the engine: far more than a handful.
        assert gc.get_freeze_count() > 50_000
    finally:
        gc.unfreeze()  # the rest of the test session collects as before


@pytest.mark.django_db(transaction=True)
def test_a_run_collects_rarely_and_gives_the_worker_its_thresholds_back(
        portal, hubspot, monkeypatch):
    """While a sync runs, the collector stops walking each batch's live objects every
    700 allocations; once the run ends, even by an error, the worker collects as it
    did, whatever it runs next."""
    sync = five_contacts(hubspot)
    during = seen_at_commits(monkeypatch, gc.get_threshold)
    before = gc.get_threshold()

    run(hubspot, sync, batch=2)

    assert during and {t[0] for t in during} == {heap.RUN_YOUNG_THRESHOLD}
    assert gc.get_threshold() == before
    assert Record.objects.filter(portal=portal, object_type="contact").count() == 5

    def lost_database(*args):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(executor, "commit", lost_database)
    hubspot.create("contacts", email="late@acme.test")
    with pytest.raises(OperationalError):
        SyncRunner(sync, connector=hubspot.connector(), batch=2).run_for(60)
    assert gc.get_threshold() == before
