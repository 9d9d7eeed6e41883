"""What else could move the same rows: Postgres COPY with one join, and dlt's merge."""

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

import psycopg

from bench.data import DataSet
from bench.memory_app import FIELDS

COLUMNS = ", ".join(FIELDS)
DLT_ROWS_PER_YIELD = 10_000


def copy_floor_seconds(url: str, data: DataSet) -> float:
    """Both sides' rows loaded with COPY, then merged (the hub winning) by one join on
    the email key into a third table: the physical floor of the job."""
    merged = ", ".join(f"coalesce(h.{f}, a.{f}) AS {f}" for f in FIELDS)
    with contextlib.closing(psycopg.connect(url, autocommit=True)) as conn:
        for table in ("bench_copy_hub", "bench_copy_app", "bench_copy_merged"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        for table in ("bench_copy_hub", "bench_copy_app"):
            conn.execute(f"CREATE TABLE {table} ({', '.join(f + ' text' for f in FIELDS)})")
        started = time.perf_counter()
        _copy(conn, "bench_copy_hub", (data.hub(i) for i in range(data.n)))
        _copy(conn, "bench_copy_app", (data.app(i) for i in range(data.n)))
        conn.execute(
            f"CREATE TABLE bench_copy_merged AS SELECT {merged} "  # noqa: S608 - constants
            "FROM bench_copy_hub h FULL JOIN bench_copy_app a "
            "ON lower(a.email) = lower(h.email)")
        return time.perf_counter() - started


def _copy(conn, table: str, rows: Iterator[dict]) -> None:
    with conn.cursor() as cursor, cursor.copy(
            f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
        for values in rows:
            copy.write_row(tuple(values.get(f) for f in FIELDS))


def dlt_merge_seconds(url: str, data: DataSet) -> float:
    """The app's records merged by dlt into a table that already holds the hub's
    (loaded by dlt too, untimed), on the normalised email: dlt's defaults otherwise."""
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    import dlt  # noqa: PLC0415 - only `make bench` installs it

    with tempfile.TemporaryDirectory(prefix="bench-dlt-") as workdir:
        pipeline = dlt.pipeline(pipeline_name="syncapp_bench", pipelines_dir=workdir,
                                destination=dlt.destinations.postgres(
                                    credentials=_for_dlt(url)),
                                dataset_name="dlt_bench", progress=None)

        def contacts(side):
            return dlt.resource(_keyed(side, data.n), name="contacts",
                                write_disposition="merge", primary_key="email_key")

        pipeline.run(contacts(data.hub))
        started = time.perf_counter()
        pipeline.run(contacts(data.app))
        return time.perf_counter() - started


def _for_dlt(url: str) -> str:
    """dlt insists on a password and a host: a server that trusts us (this one) ignores
    the password, and the embedded server's socket folder goes where the host goes."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    host = parts.hostname or query.pop("host", [""])[0]
    netloc = f"{parts.username or 'postgres'}:{parts.password or 'unused'}@{quote(host, safe='')}"
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, doseq=True)))


def _keyed(side, n: int) -> Iterator[list[dict]]:
    """Rows with the key a dlt user adds to merge on (emails differ in letter case)."""
    page = []
    for i in range(n):
        values = side(i)
        values["email_key"] = values["email"].strip().lower()
        page.append(values)
        if len(page) == DLT_ROWS_PER_YIELD:
            yield page
            page = []
    if page:
        yield page
