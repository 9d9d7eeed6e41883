"""`python -m bench`: prints `name=value` lines, then a summary line.

Environment: BENCH_N (records on each side, default 100000), BENCH_BATCH (the
engine's batch for the in-process app, default 2000), BENCH_NAIVE_SAMPLE
(records per side the naive sync really does, default 2000), BENCH_SKIP (comma-
separated: naive, copy, dlt, dashboard, http, propagation, migration), BENCH_DB /
BENCH_KEEP (see bench.database). Every rate is BENCH_N divided by the seconds the job took, so each
ratio is a ratio of wall times for the same BENCH_N + BENCH_N records; CPU seconds
"per 1k" are likewise per 1,000 of BENCH_N. The exit status is 1 when one of the
bench's own checks (bench/checks.py) fails.
"""

import os
import resource
import sys
import time
from dataclasses import dataclass, field

from bench.dashboard import measure_unless_skipped as measure_dashboard
from bench.http import measure_unless_skipped as measure_http
from bench.propagation import measure_unless_skipped as measure_propagation

TARGETS = {  # the targets (at 1,000,000 records), for the summary line
    "initial_sync_records_per_s": (">=", 20_000),
    "ratio_vs_dlt": (">=", 1.0),
    "ratio_vs_copy": (">=", 0.12),
    "incremental_noop_ms": ("<=", 20),
    "incremental_100_changes_ms": ("<=", 100),
    "engine_rss_mb": ("<=", 300),
    # The sync-health dashboard at BENCH_DASHBOARD_N links (bench/dashboard.py).
    "dashboard_object_view_ms": ("<=", 100),
    "dashboard_record_view_ms": ("<=", 150),
    "export_rows_per_s": (">=", 20_000),
}


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def setting(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass(frozen=True)
class Options:
    n: int = field(default_factory=lambda: setting("BENCH_N", 100_000))
    batch: int = field(default_factory=lambda: setting("BENCH_BATCH", 2000))
    sample: int = field(default_factory=lambda: setting("BENCH_NAIVE_SAMPLE", 2000))
    skip: frozenset = field(default_factory=lambda: frozenset(
        filter(None, os.environ.get("BENCH_SKIP", "").split(","))))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    """Measure, print, and exit 1 when one of the bench's own checks failed: a number
    measured on a sync that did the wrong job is no number."""
    from bench.database import bench_database  # noqa: PLC0415 - after the env is read

    options = Options()
    os.environ["DJANGO_SETTINGS_MODULE"] = "syncapp.settings.test"
    metrics: dict[str, object] = {"bench_n": options.n, "engine_batch": options.batch}
    with bench_database() as url:
        os.environ["DATABASE_URL"] = url
        failures = measure(url, options, metrics)
    for name, value in metrics.items():
        print(f"{name}={value}")
    print(summary(metrics, failures))
    for failure in failures:
        say(f"check failed: {failure}")
    return 1 if failures else 0


def measure(url: str, options: Options, metrics: dict) -> list[str]:
    """Every phase in turn; the failed checks. A phase adds its numbers to `metrics`."""
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    from bench.data import DataSet  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    data = DataSet(options.n)
    failures = measure_engine(data, options, metrics)
    rate = metrics["initial_sync_records_per_s"]
    if "naive" not in options.skip:
        measure_naive(data, options.sample, rate, metrics)
    if "copy" not in options.skip:
        measure_copy_floor(url, data, rate, metrics)
    if "dlt" not in options.skip:
        measure_dlt(url, data, rate, metrics)
    measure_dashboard(metrics, options.skip)
    measure_http(metrics, options.skip)  # vendor budgets over real HTTP (BENCH_SKIP=http)
    # Webhook and poll propagation, through the propagation test (BENCH_SKIP=propagation).
    measure_propagation(metrics, options.skip)
    metrics["process_peak_rss_mb"] = round(peak_rss_mb())
    if "migration" not in options.skip:  # last: it empties the database
        from bench.migration import measure as measure_migration  # noqa: PLC0415

        measure_migration(metrics, options.n)
    return failures


def measure_engine(data, options: Options, metrics: dict) -> list[str]:
    """The engine's initial two-way sync, its checks, the incremental runs and its
    memory; the failed checks."""
    from bench import checks  # noqa: PLC0415
    from bench.database import copy_hub_records  # noqa: PLC0415
    from bench.engine import EngineBench  # noqa: PLC0415
    from syncapp.accounts.services import create_portal  # noqa: PLC0415

    n = data.n
    portal = create_portal("Bench")
    say(f"loading {n} hub contacts")
    copy_hub_records(portal.pk, "contact", (data.hub(i) for i in range(n)))
    engine = EngineBench(portal, data, options.batch)
    say(f"initial two-way sync of {n} + {n} contacts (batch {options.batch})")
    seconds, cpu, db_cpu = engine.initial()
    metrics["initial_sync_records_per_s"] = round(n / seconds)
    metrics["initial_sync_s"] = round(seconds, 2)
    metrics["engine_cpu_s_per_1k"] = round(cpu * 1000 / n, 3)
    if db_cpu is not None:  # None: Postgres is not on this machine
        metrics["db_cpu_s_per_1k"] = round(db_cpu * 1000 / n, 3)
    say("checking both sides")
    found = checks.after_initial(engine.sync, engine.store, data)
    say("incremental runs")
    catchup_s, metrics["incremental_read_back"] = engine.catch_up()
    metrics["incremental_catchup_s"] = round(catchup_s, 2)
    metrics["incremental_noop_ms"] = round(engine.noop_ms(), 1)
    metrics["incremental_100_changes_ms"] = round(engine.hundred_changes_ms(), 1)
    # Before the other phases; the checks read pairs a page at a time, adding little.
    metrics["peak_rss_mb"] = round(peak_rss_mb())
    metrics["app_store_mb"] = round(engine.store.footprint_bytes() / 2**20)
    metrics["engine_rss_mb"] = metrics["peak_rss_mb"] - metrics["app_store_mb"]
    found += checks.after_incremental(engine.sync, engine.store, data)
    metrics.update({check.name: check.value for check in found})
    metrics["links_expected"] = data.expected_links
    metrics["conflicts_expected"] = data.conflicting
    return checks.failed(found)


def measure_naive(data, sample: int, rate: int, metrics: dict) -> None:
    """The same job record by record through the ORM, on a sample (bench/naive.py)."""
    from bench.database import copy_hub_records  # noqa: PLC0415
    from bench.naive import NaiveSync  # noqa: PLC0415
    from syncapp.accounts.services import create_portal  # noqa: PLC0415

    other = create_portal("Bench naive")
    say(f"loading {data.n} hub contacts for the naive sync; naive sample of {sample}")
    copy_hub_records(other.pk, "contact", (data.hub(i) for i in range(data.n)))
    seconds, used = NaiveSync(other, data).sample_seconds(sample)
    metrics["naive_sample"] = used
    metrics["naive_records_per_s"] = round(used / seconds)
    metrics["ratio_vs_naive"] = round(rate / metrics["naive_records_per_s"], 2)


def measure_copy_floor(url: str, data, rate: int, metrics: dict) -> None:
    from bench.floors import copy_floor_seconds  # noqa: PLC0415

    say("COPY floor")
    metrics["copy_floor_records_per_s"] = round(data.n / copy_floor_seconds(url, data))
    metrics["ratio_vs_copy"] = round(rate / metrics["copy_floor_records_per_s"], 3)


def measure_dlt(url: str, data, rate: int, metrics: dict) -> None:
    from bench.floors import dlt_two_way_seconds  # noqa: PLC0415

    say("dlt merges, both ways")
    metrics["dlt_two_way_records_per_s"] = round(data.n / dlt_two_way_seconds(url, data))
    metrics["ratio_vs_dlt"] = round(rate / metrics["dlt_two_way_records_per_s"], 2)


def summary(metrics: dict, failures: list[str]) -> str:
    """One line: the job, whether the bench's checks passed, and each target met or
    missed (or not measured, when its phase was skipped)."""
    met = []
    for name, (sign, goal) in TARGETS.items():
        value = metrics.get(name)
        if value is None:
            met.append(f"{name} not measured")
            continue
        ok = value >= goal if sign == ">=" else value <= goal
        met.append(f"{name} {value} {'meets' if ok else 'misses'} {sign} {goal}")
    checked = f"checks FAILED ({len(failures)})" if failures else "checks pass"
    return (f"summary: two-way initial sync of {metrics['bench_n']} + {metrics['bench_n']} "
            f"contacts in {metrics['initial_sync_s']} s; {checked}; " + "; ".join(met)
            + " (targets are for BENCH_N=1000000)")


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    say(f"done in {time.perf_counter() - started:.0f} s")
    sys.exit(code)
