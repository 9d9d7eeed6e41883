"""The HTTP phase: how full each vendor's request budget stays when we write to it.

Each app's sandbox is served on a real port (a threaded WSGI server), set to the
vendor's published limit (its spec.rate_limit: HubSpot 100 per 10 s rolling,
Pipedrive 80 per 2 s token bucket, Dataverse 6,000 per 5 minutes per user) and
to answer every API call after BENCH_HTTP_LATENCY_MS (default 100), as a vendor
across the internet does; without it one thread would fill any budget and the
connectors' concurrency would go unmeasured.

Records go through the connector's real write path: `connector.create` in the
chunks the sync engine's executor hands it (its `_chunks` and `_batch_size`),
with the product's HTTP client, OAuth token and shared Redis limiter. Not through
a whole sync run: the engine's planning and database work are measured by the
other phases, and here they would only sit between the requests.

Prints, per app: records/s, requests per record and the share of requests the
sandbox answered 429; for HubSpot and Pipedrive, api_efficiency = records/s ÷
the most the budget allows over time (1,000/s and 40/s). BENCH_HTTP_SCALE
(default 1.0) scales the record counts (20,000 HubSpot, 2,000 Pipedrive, 20,000
Dynamics); BENCH_SKIP=http skips the phase.
"""

import os
import sys
import time
import uuid
from dataclasses import dataclass
from types import SimpleNamespace

import redis
import requests

from connectors.dynamics import DynamicsConnector
from connectors.hubspot import HubSpotConnector
from connectors.pipedrive import PipedriveConnector
from connectors.sdk import HttpClient, OAuth2Auth
from connectors.sdk.ratelimit import RedisRateLimiter
from connectors.sdk.registry import load
from connectors.sdk.sandbox import serve
from tests.kits.sandbox import MemoryTokenStore, connect, oauth_client


@dataclass(frozen=True)
class App:
    key: str
    connector_cls: type
    login: str
    app_object: str
    records: int
    budget_records_per_s: float | None  # the most the budget allows, None: not the bound

    def values(self, n: int, tag: str) -> dict:
        if self.key == "pipedrive":
            return {"first_name": f"Bench{n}", "last_name": f"Person {tag}"}
        email = f"bench.{tag}.{n}@example.com"
        if self.key == "hubspot":
            return {"email": email, "firstname": f"Bench{n}", "lastname": "Person"}
        return {"emailaddress1": email, "firstname": f"Bench{n}", "lastname": "Person"}


APPS = (
    App("hubspot", HubSpotConnector, "admin@acmecorp.example", "contacts", 20_000, 1_000.0),
    App("pipedrive", PipedriveConnector, "admin@northwind.example", "persons", 2_000, 40.0),
    App("dynamics", DynamicsConnector, "admin@contoso.example", "contacts", 20_000, None),
)


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


class RequestCounter:
    """Every HTTP response the connector's session sees, and how many were 429s."""

    def __init__(self):
        self.requests = self.rate_limited = 0

    def session(self) -> requests.Session:
        session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_maxsize=32)
        session.mount("http://", adapter)
        session.hooks["response"].append(self.record)
        return session

    def record(self, response: requests.Response, *args, **kwargs) -> None:
        self.requests += 1
        self.rate_limited += response.status_code == 429


def _connector(app: App, root: str, counter: RequestCounter, redis_client):
    """Made as syncapp.integrations.catalog.build_connector makes one: the vendor's
    limit shared through Redis, the token from the sandbox's own consent flow."""
    cls = app.connector_cls
    store = MemoryTokenStore(connect(cls, root, app.login))
    limit = cls.spec.rate_limit
    limiter = RedisRateLimiter(redis_client, f"bench-http:{app.key}:{uuid.uuid4().hex}",
                               limit.requests, limit.per_seconds)
    http = HttpClient(auth=OAuth2Auth(oauth_client(cls, root), store), limiter=limiter,
                      session=counter.session())
    bases = cls.sandbox_bases(root)
    connector = cls(http, api_bases=bases, account=store.token.extra)
    if app.key == "dynamics":  # the environment is identified when the connection is made
        connector = cls(http, api_bases=bases, account=connector.account_info().extra)
    connector.fields(app.app_object)  # read when the object sync is set up
    return connector


def run_app(app: App, records: int, latency_s: float, redis_client) -> dict:
    from syncapp.syncs.run.executor import _batch_size, _chunks  # noqa: PLC0415

    sandbox = load(app.connector_cls.sandbox)()
    limit = app.connector_cls.spec.rate_limit
    server, root = serve(sandbox)
    try:
        counter = RequestCounter()
        connector = _connector(app, root, counter, redis_client)
        sandbox.rate = (limit.requests, limit.per_seconds)
        sandbox.latency_s = latency_s
        counter.requests = counter.rate_limited = 0
        tag = uuid.uuid4().hex[:8]
        items = [(str(n), app.values(n, tag)) for n in range(records)]
        size = _batch_size(SimpleNamespace(
            connector=connector, config=SimpleNamespace(app_object=app.app_object)))
        say(f"http: {records} {app.app_object} into the {app.key} sandbox "
            f"({limit.requests} per {limit.per_seconds:g} s, chunks of {size})")
        started = time.perf_counter()
        written = failed = 0
        first_error = None
        for chunk in _chunks(items, size):
            for outcome in connector.create(app.app_object, chunk):
                written += outcome.ok
                failed += not outcome.ok
                first_error = first_error or outcome.error
        seconds = time.perf_counter() - started
    finally:
        server.shutdown()
        server.server_close()
    if failed:
        say(f"http: {app.key}: {failed} writes failed, first: {first_error}")
    return {"records": written, "failed": failed, "seconds": seconds,
            "requests": counter.requests, "rate_limited": counter.rate_limited,
            "sandbox_429": sandbox.rate_limited_calls}


def measure(metrics: dict) -> None:
    scale = float(os.environ.get("BENCH_HTTP_SCALE") or 1.0)
    latency_s = float(os.environ.get("BENCH_HTTP_LATENCY_MS") or 100) / 1000
    redis_client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    metrics["http_latency_ms"] = round(latency_s * 1000)
    for app in APPS:
        records = max(1, round(app.records * scale))
        result = run_app(app, records, latency_s, redis_client)
        rate = result["records"] / result["seconds"]
        key = app.key
        metrics[f"records_per_s_{key}"] = round(rate, 1)
        metrics[f"requests_per_record_{key}"] = round(result["requests"] / records, 4)
        metrics[f"http_429_share_{key}"] = round(
            result["rate_limited"] / max(1, result["requests"]), 4)
        metrics[f"http_failed_{key}"] = result["failed"]
        if app.budget_records_per_s:
            metrics[f"api_efficiency_{key}"] = round(rate / app.budget_records_per_s, 3)


def measure_unless_skipped(metrics: dict, skip: frozenset) -> None:
    """For bench/__main__.py: measure unless BENCH_SKIP names "http"."""
    if "http" not in skip:
        measure(metrics)


def main() -> int:
    import django  # noqa: PLC0415

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "syncapp.settings.test")
    django.setup()
    metrics: dict = {}
    measure(metrics)
    for name, value in metrics.items():
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
