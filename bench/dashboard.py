"""The sync-health dashboard at scale: `make bench` calls measure(); or run it alone with
`python -m bench.dashboard` (its own fresh database, see bench.database).

BENCH_DASHBOARD_N links (default 1,000,000) in one HubSpot connection — contacts and
companies, 2% failed, 5% excluded, activity spread over 30 days, a week of hourly
runs — then, as an ops user through Django's whole request stack:
- dashboard_object_view_ms: the Sync overview with its object view (median of 15);
- dashboard_record_view_ms: a filtered record-view page, failed in the last 7 days
  (median of 15), and dashboard_record_view_deep_ms for a page 20 pages in;
- export_rows_per_s and peak_rss_mb_export: a CSV export of every link, built in a
  child process so its peak memory is its own; peak_rss_mb_export_small is the same
  for an export of the 5% excluded, to show memory does not grow with the rows.
"""

import os
import re
import statistics
import subprocess
import sys
import time

SHARES = (("contacts", 0.7), ("companies", 0.3))
RUNS_PER_HOUR = 1


def setting(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _links_sql() -> str:
    # The shape of a million engine-written links, in one statement (setup, not measured).
    return """
INSERT INTO syncs_link (portal_id, object_sync_id, hub_record_id, app_id, status,
  error_category, error_message, exclusion_reason, match_key, associations_pending,
  candidates, last_synced, refused, hub_name, app_name, last_synced_at, app_seen,
  created_at, updated_at)
SELECT %(portal)s, %(sync)s, NULL, %(prefix)s || i,
  CASE WHEN i %% 100 < 2 THEN 'failed' WHEN i %% 100 < 7 THEN 'excluded' ELSE 'in_sync' END,
  CASE WHEN i %% 100 < 2 THEN (ARRAY['invalid_value','duplicate','rate_limited',
    'required_missing'])[1 + i %% 4] ELSE '' END,
  CASE WHEN i %% 100 < 2 THEN '=HYPERLINK("x") was not a valid value' ELSE '' END,
  CASE WHEN i %% 100 BETWEEN 2 AND 6 THEN (ARRAY['no_email','filters','no_identifier'])
    [1 + i %% 3] ELSE '' END,
  '', false, '{}'::jsonb, '{}'::jsonb, '{}'::jsonb, 'Person ' || i, 'Person ' || i,
  now() - (i %% 43200) * interval '1 minute', '', now() - interval '60 days',
  now() - (i %% 43200) * interval '1 minute'
FROM generate_series(1, %(n)s) AS i
"""


def build(n: int):
    """A portal, an ops user and a HubSpot connection with `n` links. Returns (user, conn)."""
    from django.db import connection as db  # noqa: PLC0415

    from connectors.hubspot import HubSpotConnector  # noqa: PLC0415
    from syncapp.accounts.services import add_member, create_portal  # noqa: PLC0415
    from syncapp.integrations.models import Connection  # noqa: PLC0415
    from syncapp.syncs.configure import create_object_sync  # noqa: PLC0415

    portal = create_portal("Bench dashboard")
    ops = add_member(portal, "ops@bench.test", "bench-password", can_view_health=True)
    conn = Connection.objects.create(portal=portal, app_key="hubspot", account_id="bench",
                                     account_name="Bench HubSpot")
    with db.cursor() as cursor:
        for app_object, share in SHARES:
            sync = create_object_sync(conn, app_object, HubSpotConnector, state="on")
            cursor.execute(_links_sql(), {"portal": portal.pk, "sync": sync.pk,
                                          "prefix": f"{app_object}-", "n": int(n * share)})
            cursor.execute("""
                INSERT INTO syncs_run (portal_id, object_sync_id, kind, status, counts,
                                       error_category, error_message, started_at, finished_at)
                SELECT %s, %s, 'incremental', 'succeeded',
                       jsonb_build_object('updated_app', h %% 40, 'created_hub', h %% 7,
                                          'failed', h %% 3), '', '',
                       now() - h * interval '1 hour', now() - h * interval '1 hour'
                FROM generate_series(0, 24 * 7 - 1) AS h""", [portal.pk, sync.pk])
    with db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE syncs_link")
        cursor.execute("ANALYZE syncs_run")
    return ops.user, conn


def _median_ms(client, url: str, times: int = 15) -> float:
    client.get(url)  # warm: connection, templates, caches
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(samples)


def _deep_after(client, url: str, pages: int) -> str:
    """The address of the page `pages` pages into `url`, following its Next links."""
    for _ in range(pages):
        html = client.get(url).content.decode()
        after = re.search(r'rel="next" href="[^"]*?&amp;after=([^"&]+)"', html).group(1)
        url = url.split("&after=", maxsplit=1)[0] + "&after=" + after
    return url


def _export_in_child(job_id: int) -> tuple[float, float]:
    """(seconds, peak RSS MiB) of building export `job_id` in a fresh process.

    The child reports its own high-water mark (VmHWM): getrusage's maxrss for a child
    keeps the parent's size at the fork/exec (Linux carries it across exec), so it
    would report this bench's memory, not the export's."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.dashboard", "export", str(job_id)],  # noqa: S603
                          check=True, env=os.environ.copy(), stdout=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    peak_kib = re.search(r"^peak_rss_kib=(\d+)$", done.stdout, re.MULTILINE).group(1)
    return seconds, int(peak_kib) / 1024


def _own_peak_rss_kib() -> int:
    """This process's high-water RSS since its exec (its own memory, whatever forked it)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1])


def measure(metrics: dict, n: int | None = None) -> None:
    """Add the dashboard's numbers to `metrics` (Django set up, database migrated)."""
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    from syncapp.health.exports import export_path  # noqa: PLC0415
    from syncapp.health.models import ExportJob  # noqa: PLC0415

    n = n or setting("BENCH_DASHBOARD_N", 1_000_000)
    say(f"dashboard: loading {n} links (2% failed, 5% excluded)")
    user, conn = build(n)
    client = Client(SERVER_NAME="localhost")  # an allowed host
    client.force_login(user)
    overview = reverse("health:overview", args=["hubspot"]) + f"?account={conn.pk}"
    records = reverse("health:records", args=["hubspot"]) + f"?account={conn.pk}"
    metrics["dashboard_links"] = n
    metrics["dashboard_object_view_ms"] = round(_median_ms(client, overview), 1)
    metrics["dashboard_record_view_ms"] = round(
        _median_ms(client, records + "&status=failed&period=7d"), 1)
    deep = _deep_after(client, records + "&period=30d", 20)
    metrics["dashboard_record_view_deep_ms"] = round(_median_ms(client, deep), 1)

    columns = ["object", "hub_record", "app_record", "status", "reason", "message",
               "last_synced", "last_activity"]
    small = ExportJob.objects.create(portal=conn.portal, connection=conn, format="csv",
                                     filters={"status": "excluded"}, columns=columns,
                                     requested_by=user)
    whole = ExportJob.objects.create(portal=conn.portal, connection=conn, format="csv",
                                     filters={}, columns=columns, requested_by=user)
    say("dashboard: exporting the excluded links, then every link, to CSV")
    _seconds, small_rss = _export_in_child(small.pk)
    seconds, rss = _export_in_child(whole.pk)
    whole.refresh_from_db()
    metrics["export_rows"] = whole.rows
    metrics["export_rows_per_s"] = round(whole.rows / seconds)
    metrics["peak_rss_mb_export"] = round(rss)
    metrics["peak_rss_mb_export_small"] = round(small_rss)
    for job in (small, whole):  # a million rows of CSV are not worth keeping
        job.refresh_from_db()
        export_path(job).unlink(missing_ok=True)


def measure_unless_skipped(metrics: dict, skip: frozenset) -> None:
    """For bench/__main__.py: measure unless BENCH_SKIP names "dashboard"."""
    if "dashboard" not in skip:
        measure(metrics)


def _export_main(job_id: int) -> None:
    import django  # noqa: PLC0415

    django.setup()
    from syncapp.health.exports import build_export  # noqa: PLC0415

    build_export(job_id)
    print(f"peak_rss_kib={_own_peak_rss_kib()}")


def main() -> int:
    from bench.database import bench_database  # noqa: PLC0415

    os.environ["DJANGO_SETTINGS_MODULE"] = "syncapp.settings.test"
    metrics: dict = {}
    with bench_database() as url:
        os.environ["DATABASE_URL"] = url
        import django  # noqa: PLC0415

        django.setup()
        from django.core.management import call_command  # noqa: PLC0415

        call_command("migrate", verbosity=0)
        measure(metrics)
    for name, value in metrics.items():
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["export"]:
        _export_main(int(sys.argv[2]))
    else:
        sys.exit(main())
