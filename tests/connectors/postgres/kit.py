"""The "sandbox" of the PostgreSQL table app: a real second database on the test
server, pgtable_<xdist worker>, created for the session and dropped after, with a
`users` table each test starts from."""

import os

import psycopg

from connectors.postgres import PostgresConnector
from connectors.sdk import HttpClient
from tests.kits import second_database
from tests.kits.second_database import admin_connection, server

USERS = """
DROP TABLE IF EXISTS users CASCADE;
DROP TABLE IF EXISTS syncapp_deleted_rows;
CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text,
    first_name text,
    last_name varchar(80),
    age integer,
    active boolean,
    born date,
    tags jsonb,
    updated_at timestamptz NOT NULL DEFAULT now()
);
"""


def database_name() -> str:
    return f"pgtable_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def dsn(dbname: str | None = None, user: str | None = None, port: int | None = None) -> str:
    return second_database.dsn(dbname or database_name(), user, port)


def create_database() -> str:
    name = database_name()
    second_database.recreate(name)
    return name


def drop_database() -> None:
    second_database.drop(database_name())
    with admin_connection() as conn:
        for name in ROLES:
            conn.execute(f'DROP ROLE IF EXISTS "{role_name(name)}"')


ROLES = ("blind", "reader", "writer")


def role_name(name: str) -> str:
    """A login role of this worker's (roles are the whole server's, not one database's)."""
    return f"pgtable_{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def role(name: str, *grants: str) -> str:
    """`pgtable_<name>_<worker>`, a login role holding only `grants` on users."""
    role_id = role_name(name)
    sql(f"DO $$ BEGIN CREATE ROLE \"{role_id}\" LOGIN; EXCEPTION WHEN duplicate_object "
        "THEN NULL; END $$")
    sql(f'REVOKE ALL ON users FROM "{role_id}"')
    sql(f'GRANT USAGE ON SCHEMA public TO "{role_id}"')
    for grant in grants:
        sql(f'GRANT {grant} ON users TO "{role_id}"')
    return role_id


def sql(statement: str, params=None):
    """Run `statement` in the second database as its owner (what the user does)."""
    with psycopg.connect(dsn(), autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def credentials(dsn_text: str | None = None, **limits) -> dict:
    return {"dsn": dsn_text or dsn(), "allowed_hosts": [server()["host"]],
            "statement_timeout_ms": 5_000, "max_connections": 4, **limits}


def connector(account: dict | None = None, **limits) -> PostgresConnector:
    return PostgresConnector(HttpClient(), account=account or {},
                             credentials=credentials(**limits))


def table_account(object_name: str = "public.users", hub_object: str = "contact",
                  **choice) -> dict:
    probe = connector()
    try:
        return probe.describe_account({"object": object_name, "hub_object": hub_object,
                                       **choice})
    finally:
        probe.close()  # its connection slot is free again


def users_connector(**limits) -> PostgresConnector:
    return connector(table_account(), **limits)


def add_users(n: int, stamp: str = "2024-01-01", per_stamp: int = 3) -> None:
    """n users, `per_stamp` sharing each updated_at (equal timestamps on purpose)."""
    sql("INSERT INTO users (email, first_name, age, updated_at) "
        "SELECT 'user' || i || '@pg.example', 'User' || i, i, "
        "%s::timestamptz + ((i - 1) / %s) * interval '1 second' "
        "FROM generate_series(1, %s) i", (stamp, per_stamp, n))


class TableApp:
    """The table as tests/kits/engine's `run` sees an app: a connection, a connector."""

    cls = PostgresConnector

    def __init__(self, connection):
        self.connection = connection
        self._connector = None

    def connector(self):
        """One connector for the test, as one worker keeps one: each holds a connection
        slot (SYNC_POSTGRES_MAX_CONNECTIONS) until it is closed or collected."""
        from syncapp.integrations.catalog import build_connector

        if self._connector is None:
            self.connection.refresh_from_db()
            self._connector = build_connector(self.connection)
        return self._connector

    def close(self) -> None:
        if self._connector is not None:
            self._connector.close()
            self._connector = None


def connect(portal, object_name: str = "public.users", hub_object: str = "contact",
            user: str | None = None, key: str = "") -> TableApp:
    """A saved connection of `portal` to the table, as the connect form makes one."""
    from syncapp.integrations.crypto import encrypt_json
    from syncapp.integrations.models import Connection

    text = dsn(user=user)
    probe = PostgresConnector(HttpClient(), credentials=credentials(text))
    account = probe.describe_account({"object": object_name, "hub_object": hub_object,
                                      "key": key})
    probe.close()
    connection = Connection.objects.create(
        portal=portal, app_key="postgres", account_id=f"{database_name()}/{object_name}",
        account_name=object_name, account_extra=account,
        token_ciphertext=encrypt_json({"dsn": text}))
    return TableApp(connection)


# --- the faults runs' data (test_faults, test_killed_worker) -------------------------


def seeded(n: int, name: str):
    """n users in the table, n hub contacts; n/2 people on both sides (their email in
    capitals in the hub), and a two-way sync between them, as a draft."""
    from syncapp.accounts.services import create_portal
    from syncapp.crm.services import bulk_create_records
    from syncapp.syncs.configure import create_object_sync

    portal = create_portal(f"Pg faults {name}")
    sql("INSERT INTO users (email, first_name, updated_at) SELECT 'p' || i || "
            "'@pg.example', 'Row' || i, now() - interval '1 day' FROM generate_series(0, %s) i",
            (n - 1,))
    bulk_create_records(portal, "contact", [
        {"email": f"P{i}@PG.example" if i < n else f"p{i}@pg.example", "lastname": f"Hub{i}"}
        for i in range(n // 2, n + n // 2)])
    app = connect(portal)

    sync = create_object_sync(app.connection, "public.users", PostgresConnector, winner="hub",
                              poll_interval_s=5)
    return sync, app


def assert_complete(sync, n: int) -> None:
    from syncapp.crm.models import Record
    from syncapp.syncs.models import Link, LinkStatus

    everyone = n + n // 2
    emails = [row[0] for row in sql("SELECT lower(email) FROM users")]
    assert len(emails) == len(set(emails)) == everyone  # nobody twice in the table
    hub = Record.objects.filter(portal=sync.portal, object_type="contact").live()
    assert hub.count() == len(set(hub.values_list("email_key", flat=True))) == everyone
    statuses = list(Link.objects.filter(object_sync=sync).values_list("status", flat=True))
    assert statuses == [LinkStatus.IN_SYNC] * everyone, set(statuses)
    # The hub's last names reached every row the hub holds too (the table-only half
    # has none).
    assert sql("SELECT count(*) FROM users WHERE last_name IS NULL") == [(n // 2,)]


# --- a database that drops connections -------------------------------------------------
