"""Counters /metrics reads instead of scanning: finished runs per sync and outcome.

Kept by Postgres triggers on syncs_run (migrations/0001), like the health pages' link
tallies: every writer is counted, and a scrape reads a few rows per sync however many
runs a year of two-minute polls leaves behind.
"""

from django.db import models


class RunTally(models.Model):
    """A delta of finished runs per (object sync, status); the sum is the count.

    Triggers only ever insert rows, so two runs finishing at once never wait on a
    counter row; runs.compact() folds them into one row per key. A run still running
    is not counted: a run's outcome is the status it finishes with.
    """

    # No foreign key: a sync's runs are deleted before the sync itself, and the
    # deltas those deletes write must not stop the sync from going.
    object_sync_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    n = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.object_sync_id} {self.status} {self.n:+d}"
