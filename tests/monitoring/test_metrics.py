"""/metrics: what an operator's Prometheus scrapes, and who may scrape it."""

import datetime as dt
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import current_app
from django.db import connection as db
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connectors.sdk import HttpClient
from connectors.sdk.callmeter import KEY_PREFIX, CallEvent, RedisCallMeter
from syncapp.core import queues
from syncapp.core.tasks import heartbeat
from syncapp.integrations.models import Connection
from syncapp.integrations.tokens import redis_client
from syncapp.monitoring.runs import runs_by_outcome
from syncapp.syncs.models import Link, LinkStatus, Run, RunKind, RunStatus
from tests.kits.health import many_links, quiet_sync
from tests.kits.metrics import TOKEN, samples, scrape, value


def _labels(sync) -> dict:
    return {"portal": sync.portal_id, "sync": sync.pk, "app": "hubspot"}


def test_metrics_are_off_until_a_token_is_set(db, settings):
    settings.METRICS_TOKEN = ""
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 404


@pytest.mark.parametrize(("header", "status"), [
    (None, 401),
    (f"Basic {TOKEN}", 401),
    ("Bearer not-the-token", 403),
    (f"Bearer {TOKEN}x", 403),
])
def test_a_scraper_without_the_right_bearer_token_is_refused(metrics_on, db, header, status):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get("/metrics", **extra)
    assert response.status_code == status
    assert b"syncapp_" not in response.content
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_finished_runs_are_counted_by_outcome_per_sync(metrics_on, portal):
    sync = quiet_sync(portal)
    outcomes = [RunStatus.SUCCEEDED] * 3 + [RunStatus.FAILED] * 2 + [RunStatus.PAUSED]
    Run.objects.bulk_create(Run(portal=portal, object_sync=sync, kind=RunKind.INCREMENTAL,
                                status=status) for status in outcomes)
    finishing = Run.objects.create(portal=portal, object_sync=sync, kind=RunKind.INCREMENTAL)
    labels = _labels(sync)
    text = scrape()
    assert value(text, "syncapp_runs_total", **labels, outcome="succeeded") == 3
    assert value(text, "syncapp_runs_total", **labels, outcome="failed") == 2
    assert value(text, "syncapp_runs_total", **labels, outcome="paused") == 1
    assert value(text, "syncapp_runs_total", **labels, outcome="running") is None
    finishing.status = RunStatus.SUCCEEDED
    finishing.save()
    Run.objects.filter(pk=finishing.pk).update(counts={"read": 1})  # status unchanged
    text = scrape()
    assert value(text, "syncapp_runs_total", **labels, outcome="succeeded") == 4
    assert sum(samples(text, "syncapp_runs_total").values()) == Run.objects.exclude(
        status=RunStatus.RUNNING).count()


def test_a_deleted_syncs_runs_leave_the_metrics(metrics_on, portal):
    sync = quiet_sync(portal)
    Run.objects.create(portal=portal, object_sync=sync, kind=RunKind.INITIAL,
                       status=RunStatus.SUCCEEDED)
    assert value(scrape(), "syncapp_runs_total", **_labels(sync), outcome="succeeded") == 1
    labels = _labels(sync)
    sync.delete()
    assert value(scrape(), "syncapp_runs_total", **labels, outcome="succeeded") is None
    assert runs_by_outcome() == {}


def test_records_by_status_are_the_health_pages_counts(metrics_on, portal, ops_client):
    sync = quiet_sync(portal)
    many_links(sync, 4)
    for n, status in enumerate((LinkStatus.FAILED, LinkStatus.FAILED,
                                LinkStatus.DELETED_IN_APP, LinkStatus.EXCLUDED)):
        Link.objects.create(portal=portal, object_sync=sync, app_id=f"other-{n}",
                            status=status)
    page = ops_client.get(f"/integrations/hubspot/overview/?account={sync.connection_id}")
    assert page.status_code == 200
    shown = page.context["counts"][sync.pk]
    text = scrape()
    labels = _labels(sync)
    for status, count in shown.by_status.items():
        assert value(text, "syncapp_sync_records", **labels, status=status) == count
    assert value(text, "syncapp_sync_records", **labels, status="in_sync") == 4
    assert value(text, "syncapp_sync_records", **labels, status="pending") == 0
    assert value(text, "syncapp_sync_records_failed", **labels) == shown.failed == 3


def test_sync_lag_is_the_time_since_the_last_successful_run(metrics_on, portal):
    late = quiet_sync(portal, "late")
    late.last_success_at = timezone.now() - dt.timedelta(hours=2)
    late.poll_interval_s = 120
    late.save()
    off = quiet_sync(portal, "off")
    off.state = "off"
    off.save()
    text = scrape()
    lag = value(text, "syncapp_sync_lag_seconds", **_labels(late))
    assert 2 * 3600 <= lag < 3 * 3600
    assert value(text, "syncapp_sync_poll_interval_seconds", **_labels(late)) == 120
    assert value(text, "syncapp_sync_lag_seconds", **_labels(off)) is None


class _RateLimitedOnce(BaseHTTPRequestHandler):
    """A vendor API that answers the first request 429 and every later one 200."""

    hits = 0

    def do_GET(self):
        type(self).hits += 1
        if type(self).hits == 1:
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def vendor_api():
    _RateLimitedOnce.hits = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _RateLimitedOnce)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fresh_call_counts():
    """Connection ids repeat when the test database is made again: start from zero."""
    redis_client().delete(*(f"{KEY_PREFIX}{event}" for event in CallEvent))


def test_api_calls_429s_and_retries_are_counted_per_connection(
        metrics_on, portal, vendor_api, fresh_call_counts):
    limited = Connection.objects.create(portal=portal, app_key="hubspot", account_id="a",
                                        account_name="a")
    calm = Connection.objects.create(portal=portal, app_key="hubspot", account_id="b",
                                     account_name="b")
    for connection in (limited, calm):
        http = HttpClient(meter=RedisCallMeter(redis_client(), connection.pk),
                          sleep=lambda _s: None)
        assert http.request("GET", f"{vendor_api}/crm/v3/objects/contacts").body == {"ok": True}
    text = scrape()
    for name, for_limited, for_calm in [("syncapp_api_calls_total", 2, 1),
                                        ("syncapp_api_rate_limited_total", 1, None),
                                        ("syncapp_api_retries_total", 1, None)]:
        assert value(text, name, portal=portal.pk, connection=limited.pk,
                     app="hubspot") == for_limited
        assert value(text, name, portal=portal.pk, connection=calm.pk, app="hubspot") == for_calm


def test_a_connected_accounts_calls_through_the_workers_connector_are_counted(
        metrics_on, admin_client, toy_app, portal, fresh_call_counts):
    from syncapp.integrations.catalog import build_connector
    from tests.kits.connect import connect_account

    connect_account(admin_client, "toy", "admin@toy.example")
    connection = Connection.objects.get(portal=portal)
    connector = build_connector(connection)  # what a sync task builds
    for _ in range(2):
        assert len(connector.read_changes("people", None).records) == 5
    assert value(scrape(), "syncapp_api_calls_total", portal=portal.pk,
                 connection=connection.pk, app="toy") == 2


@pytest.fixture
def private_queues(settings):
    """Queue names of this test's own (a prefix no worker consumes); emptied after."""
    settings.TASK_QUEUE_PREFIX = f"metrics-test-{uuid.uuid4().hex[:8]}-"
    yield settings.TASK_QUEUE_PREFIX
    with current_app.connection_for_write() as conn:
        for kind in queues.KINDS:
            conn.default_channel.client.delete(queues.queue_name(kind))


def test_queue_depth_counts_tasks_nobody_has_taken_yet(metrics_on, db, private_queues):
    assert value(scrape(), "syncapp_queue_depth", queue=f"{private_queues}export") == 0
    for _ in range(3):
        heartbeat.delay("export")  # the heartbeat goes to the queue its argument names
    text = scrape()
    assert value(text, "syncapp_queue_depth", queue=f"{private_queues}export") == 3
    for kind in ("sync", "preview", "notify"):
        assert value(text, "syncapp_queue_depth", queue=f"{private_queues}{kind}") == 0
    assert value(text, "syncapp_redis_up") == 1


def test_webhook_deliveries_are_declared_with_no_samples_before_any_delivery(metrics_on, db):
    text = scrape()
    assert "# TYPE syncapp_webhook_deliveries_total counter" in text
    assert samples(text, "syncapp_webhook_deliveries_total") == {}


def _queries_of_a_scrape() -> int:
    with CaptureQueriesContext(db) as queries:
        scrape()
    return len(queries)


def test_a_scrape_costs_the_same_queries_for_one_sync_or_many(metrics_on, portal,
                                                              other_portal):
    first = quiet_sync(portal, "first")
    many_links(first, 2)
    Run.objects.create(portal=portal, object_sync=first, kind=RunKind.INITIAL,
                       status=RunStatus.SUCCEEDED)
    with_one = _queries_of_a_scrape()
    for i in range(6):
        sync = quiet_sync(other_portal if i % 2 else portal, f"more-{i}")
        many_links(sync, 2)
        Run.objects.create(portal=sync.portal, object_sync=sync, kind=RunKind.INITIAL,
                           status=RunStatus.FAILED)
    text = scrape()
    assert value(text, "syncapp_runs_total", portal=other_portal.pk, sync=sync.pk,
                 app="hubspot", outcome="failed") == 1
    assert _queries_of_a_scrape() == with_one <= 6


def test_with_redis_down_a_scrape_still_answers_from_postgres(metrics_on, portal, settings,
                                                              tmp_path):
    from tests.kits.stack import redis_stopped

    sync = quiet_sync(portal)
    many_links(sync, 2)
    with redis_stopped(settings, tmp_path / "redis"):
        text = scrape()
    assert value(text, "syncapp_redis_up") == 0
    assert value(text, "syncapp_sync_records", **_labels(sync), status="in_sync") == 2
    assert samples(text, "syncapp_queue_depth") == {}
