"""The benchmark's own database: created fresh on the server, dropped at the end.

The server is DATABASE_URL's; without one, the embedded Postgres of
`python -m syncapp.devstack` (pgserver), with its data in .data/bench-postgres.
"""

import contextlib
import json
import os
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

from syncapp.devstack import embedded
from syncapp.devstack.embedded_postgres import start_postgres

NAME = os.environ.get("BENCH_DB", "syncapp_bench")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@contextlib.contextmanager
def bench_database() -> Iterator[str]:
    """A fresh, empty database; its URL. Dropped on the way out unless BENCH_KEEP=1."""
    server = os.environ.get("DATABASE_URL")
    stop = None
    if not server:
        postgres = start_postgres(embedded.DATA / "bench-postgres", database="postgres")
        server, stop = postgres.url, postgres.stop
    admin = _with_database(server, "postgres")
    _recreate(admin)
    try:
        yield _with_database(server, NAME)
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            _drop(admin)
        if stop is not None:
            stop()


def _recreate(admin_url: str) -> None:
    _drop(admin_url)
    with contextlib.closing(psycopg.connect(admin_url, autocommit=True)) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(NAME)))


def _drop(admin_url: str) -> None:
    from django.apps import apps  # noqa: PLC0415 - Django may not be set up yet

    if apps.ready:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
    with contextlib.closing(psycopg.connect(admin_url, autocommit=True)) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(NAME)))


def copy_hub_records(portal_id: int, object_type: str, rows: Iterator[dict]) -> None:
    """Load hub records as a person's earlier imports left them, through COPY (setup)."""
    from django.db import connection  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from syncapp.crm.services import derived_columns  # noqa: PLC0415

    now = timezone.now()
    columns = ("portal_id", "object_type", "properties", "display_name", "sort_key",
               "email_key", "name_key", "domain_key", "sku_key", "created_at", "updated_at")
    statement = f"COPY crm_record ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.connection.cursor().copy(statement) as copy:
        for values in rows:
            derived = derived_columns(object_type, values)
            copy.write_row((portal_id, object_type, json.dumps(values),
                            derived["display_name"], derived["sort_key"], derived["email_key"],
                            derived["name_key"], derived["domain_key"], derived["sku_key"],
                            now, now))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE crm_record")
