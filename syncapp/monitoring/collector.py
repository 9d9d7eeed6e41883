"""The Prometheus metrics of the whole installation, read from Postgres and Redis.

Nothing is kept in the web process: every scrape reads the recorded facts (the run
and link tallies Postgres keeps by trigger, the API-call counters the workers keep in
Redis, the queues' lists), so any gunicorn process answers the same. A scrape costs
a fixed handful of queries however many portals and syncs there are.

Labels identify things by id (portal, sync, connection) and app key; never a
record value, a name or an e-mail address.
"""

import logging
from collections.abc import Iterator

from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from connectors.sdk.callmeter import CallEvent, read_call_counts
from syncapp.core.queue import UNREACHABLE
from syncapp.integrations.models import Connection
from syncapp.integrations.tokens import redis_client
from syncapp.monitoring.queues import queue_depths
from syncapp.monitoring.runs import runs_by_outcome
from syncapp.syncs.counts import SyncCounts, counts_for
from syncapp.syncs.models import LinkStatus, ObjectSync, SyncState
from syncapp.webhooks.models import Attempt

log = logging.getLogger(__name__)
SYNC_LABELS = ["portal", "sync", "app"]
CONNECTION_LABELS = ["portal", "connection", "app"]
_API_HELP = {
    CallEvent.CALL: ("syncapp_api_calls", "Requests sent to the app's API."),
    CallEvent.RATE_LIMITED: ("syncapp_api_rate_limited",
                             "Requests the app refused with HTTP 429 (rate limited)."),
    CallEvent.RETRY: ("syncapp_api_retries",
                      "Requests sent again after a failure, a 429 or a token refresh."),
}


class SyncappCollector:
    """A prometheus_client collector; `collect` runs once per scrape."""

    def collect(self) -> Iterator[Metric]:
        syncs = {row[0]: row for row in ObjectSync.objects.values_list(
            "id", "portal_id", "connection__app_key", "state", "poll_interval_s",
            "last_success_at", "created_at")}
        labels = {sync_id: [str(row[1]), str(sync_id), row[2]] for sync_id, row in syncs.items()}
        yield _runs_by_outcome(labels)
        yield from _records_by_status(labels)
        yield from _lag(syncs, labels)
        redis_up = GaugeMetricFamily("syncapp_redis_up",
                                     "1 when Redis answered this scrape (queues, API counts).")
        try:
            families = [*_api_calls(), _queue_depth()]
        except UNREACHABLE as exc:
            log.warning("metrics: redis unreachable", extra={"error": str(exc)})
            families = []
        redis_up.add_metric([], 1 if families else 0)
        yield redis_up
        yield from families
        yield _webhook_deliveries()


def _webhook_deliveries() -> Metric:
    """Every try of an outbound webhook, by outcome (the delivery log's rows)."""
    family = CounterMetricFamily("syncapp_webhook_deliveries",
                                 "Outbound webhook delivery attempts by outcome.",
                                 labels=["outcome"])
    rows = Attempt.objects.values_list("outcome").annotate(n=Count("id")).order_by("outcome")
    for outcome, n in rows:
        family.add_metric([outcome], n)
    return family


def _runs_by_outcome(labels: dict[int, list[str]]) -> Metric:
    family = CounterMetricFamily("syncapp_runs",
                                 "Finished sync runs by outcome (the status they ended with).",
                                 labels=[*SYNC_LABELS, "outcome"])
    for (sync_id, status), n in sorted(runs_by_outcome().items()):
        if sync_id in labels:
            family.add_metric([*labels[sync_id], status], n)
    return family


def _records_by_status(labels: dict[int, list[str]]) -> Iterator[Metric]:
    """The health pages' own counts (syncs.counts), so the two never disagree."""
    by_status = GaugeMetricFamily("syncapp_sync_records", "Records of a sync by link status.",
                                  labels=[*SYNC_LABELS, "status"])
    failed = GaugeMetricFamily(
        "syncapp_sync_records_failed",
        "Records a sync's health page counts as failed (failed, or deleted on a side).",
        labels=SYNC_LABELS)
    counted = counts_for(list(labels))
    for sync_id in sorted(labels):
        # Every status, zeros included: a series that vanishes at 0 breaks graphs.
        counts = counted.get(sync_id) or SyncCounts()
        for status in LinkStatus.values:
            by_status.add_metric([*labels[sync_id], status], counts.by_status.get(status, 0))
        failed.add_metric(labels[sync_id], counts.failed)
    yield by_status
    yield failed


def _lag(syncs: dict[int, tuple], labels: dict[int, list[str]]) -> Iterator[Metric]:
    """Seconds since each sync that is on last finished a run successfully (since it was
    created, when it never has), beside the interval it is meant to run at."""
    lag = GaugeMetricFamily("syncapp_sync_lag_seconds",
                            "Seconds since the sync's last successful run (syncs that are on).",
                            labels=SYNC_LABELS)
    interval = GaugeMetricFamily("syncapp_sync_poll_interval_seconds",
                                 "Seconds between a sync's runs, as configured.",
                                 labels=SYNC_LABELS)
    now = timezone.now()
    for sync_id, (_id, _portal, _app, state, poll_s, success_at, created_at) in syncs.items():
        if state != SyncState.ON:
            continue
        lag.add_metric(labels[sync_id], (now - (success_at or created_at)).total_seconds())
        interval.add_metric(labels[sync_id], poll_s)
    yield lag
    yield interval


def _api_calls() -> list[Metric]:
    counted = read_call_counts(redis_client())
    connections = {pk: [str(portal), str(pk), app] for pk, portal, app in
                   Connection.objects.values_list("id", "portal_id", "app_key").order_by()}
    families = []
    for event, (name, text) in _API_HELP.items():
        family = CounterMetricFamily(name, text, labels=CONNECTION_LABELS)
        for connection_id, n in sorted(counted[event].items()):
            if connection_id in connections:  # a deleted connection's count is dropped
                family.add_metric(connections[connection_id], n)
        families.append(family)
    return families


def _queue_depth() -> Metric:
    family = GaugeMetricFamily("syncapp_queue_depth", "Tasks waiting in a Celery queue.",
                               labels=["queue"])
    for queue, depth in queue_depths().items():
        family.add_metric([queue], depth)
    return family
