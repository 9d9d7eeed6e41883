"""A second, real database on the suite's own Postgres server: what the PostgreSQL
table app connects to in its tests (tests/connectors/postgres) and in the browser."""

import os
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg


def server() -> dict:
    """Host, port and user of the suite's own Postgres (DATABASE_URL)."""
    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    return {"host": url.hostname or "127.0.0.1", "port": url.port or 5432,
            "user": url.username or "postgres", "password": url.password or ""}


def dsn(dbname: str, user: str | None = None, port: int | None = None) -> str:
    s = server()
    auth = user or s["user"]
    if not user and s["password"]:
        auth += f":{s['password']}"
    return f"postgresql://{auth}@{s['host']}:{port or s['port']}/{dbname}"


def admin_connection(dbname: str = "postgres") -> psycopg.Connection:
    return psycopg.connect(dsn(dbname), autocommit=True)


def recreate(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(name: str) -> None:
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def second_database(name: str, schema_sql: str):
    """A fresh database `name` holding `schema_sql`; yields its connection string and
    drops the database after."""
    recreate(name)
    with psycopg.connect(dsn(name), autocommit=True) as conn:
        conn.execute(schema_sql)
    try:
        yield dsn(name)
    finally:
        drop(name)
