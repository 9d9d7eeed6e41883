"""`python -m bench`: prints `name=value` lines, then a summary line.

Environment: BENCH_N (records on each side, default 100000), BENCH_BATCH (the
engine's batch for the in-process app, default 2000), BENCH_NAIVE_SAMPLE
(records per side the naive sync really does, default 2000), BENCH_SKIP (comma-
separated: naive, copy, dlt, dashboard), BENCH_DB / BENCH_KEEP (see bench.database).
Every rate is BENCH_N divided by the seconds the job took, so each ratio is a
ratio of wall times for the same BENCH_N + BENCH_N records.
"""

import os
import resource
import sys
import time
from dataclasses import dataclass, field

from bench.dashboard import measure_unless_skipped as measure_dashboard
from bench.http import measure_unless_skipped as measure_http

TARGETS = {  # the targets (at 1,000,000 records), for the summary line
    "initial_sync_records_per_s": (">=", 20_000),
    "ratio_vs_dlt": (">=", 1),
    "ratio_vs_copy": (">=", 0.1),
    "incremental_noop_ms": ("<=", 50),
    "peak_rss_mb": ("<=", 400),
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
    from bench.database import bench_database  # noqa: PLC0415 - after the env is read

    options = Options()
    os.environ["DJANGO_SETTINGS_MODULE"] = "syncapp.settings.test"
    metrics: dict[str, object] = {"bench_n": options.n, "engine_batch": options.batch}
    with bench_database() as url:
        os.environ["DATABASE_URL"] = url
        measure(url, options, metrics)
    for name, value in metrics.items():
        print(f"{name}={value}")
    print(summary(metrics))
    return 0


def measure(url: str, options: Options, metrics: dict) -> None:  # noqa: PLR0915
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    from bench.data import DataSet  # noqa: PLC0415
    from bench.database import copy_hub_records  # noqa: PLC0415
    from bench.engine import EngineBench  # noqa: PLC0415
    from syncapp.accounts.services import create_portal  # noqa: PLC0415

    n, batch, sample, skip = options.n, options.batch, options.sample, options.skip
    call_command("migrate", verbosity=0)
    data = DataSet(n)
    portal = create_portal("Bench")
    say(f"loading {n} hub contacts")
    copy_hub_records(portal.pk, "contact", (data.hub(i) for i in range(n)))

    engine = EngineBench(portal, data, batch)
    say(f"initial two-way sync of {n} + {n} contacts (batch {batch})")
    seconds, cpu, db_cpu = engine.initial()
    metrics["initial_sync_records_per_s"] = round(n / seconds)
    metrics["initial_sync_s"] = round(seconds, 2)
    metrics["initial_sync_cpu_s"] = round(cpu, 2)
    if db_cpu is not None:
        metrics["initial_sync_db_cpu_s"] = round(db_cpu, 2)
    metrics.update(engine.checks())
    say("incremental runs")
    metrics["incremental_catchup_s"] = round(engine.catch_up(), 2)
    metrics["incremental_noop_ms"] = round(engine.noop_ms(), 1)
    metrics["incremental_100_changes_ms"] = round(engine.hundred_changes_ms(), 1)
    metrics["peak_rss_mb"] = round(peak_rss_mb())
    metrics["app_store_mb"] = round(engine.store.footprint_bytes() / 2**20)
    rate = metrics["initial_sync_records_per_s"]

    if "naive" not in skip:
        from bench.naive import NaiveSync  # noqa: PLC0415

        other = create_portal("Bench naive")
        say(f"loading {n} hub contacts for the naive sync; naive sample of {sample}")
        copy_hub_records(other.pk, "contact", (data.hub(i) for i in range(n)))
        seconds, used = NaiveSync(other, data).sample_seconds(sample)
        metrics["naive_sample"] = used
        metrics["naive_records_per_s"] = round(used / seconds)
        metrics["ratio_vs_naive"] = round(rate / metrics["naive_records_per_s"], 2)
    if "copy" not in skip:
        from bench.floors import copy_floor_seconds  # noqa: PLC0415

        say("COPY floor")
        metrics["copy_floor_records_per_s"] = round(n / copy_floor_seconds(url, data))
        metrics["ratio_vs_copy"] = round(rate / metrics["copy_floor_records_per_s"], 3)
    if "dlt" not in skip:
        from bench.floors import dlt_merge_seconds  # noqa: PLC0415

        say("dlt merge")
        metrics["dlt_merge_records_per_s"] = round(n / dlt_merge_seconds(url, data))
        metrics["ratio_vs_dlt"] = round(rate / metrics["dlt_merge_records_per_s"], 2)
    measure_dashboard(metrics, skip)
    measure_http(metrics, skip)  # vendor budgets over real HTTP (BENCH_SKIP=http)
    metrics["process_peak_rss_mb"] = round(peak_rss_mb())


def summary(metrics: dict) -> str:
    met = []
    for name, (sign, goal) in TARGETS.items():
        value = metrics.get(name)
        if value is None:
            continue
        ok = value >= goal if sign == ">=" else value <= goal
        met.append(f"{name} {value} {'meets' if ok else 'misses'} {sign} {goal}")
    return (f"summary: two-way initial sync of {metrics['bench_n']} + {metrics['bench_n']} "
            f"contacts in {metrics['initial_sync_s']} s; " + "; ".join(met)
            + " (targets are for BENCH_N=1000000)")


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    say(f"done in {time.perf_counter() - started:.0f} s")
    sys.exit(code)
