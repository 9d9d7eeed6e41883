"""The PostgreSQL connector: one table (or view) of the user's database as an app.

Nothing here speaks HTTP: `self.http` is unused, and the database's own limits (a
statement timeout, a connection cap) stand for the vendor's rate limit
(session.py). The DSN comes decrypted in `credentials` with the product's limits;
the chosen table's description in `account["table"]`.
"""

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

import psycopg

from connectors.postgres import catalog, deletes, dsn, session
from connectors.postgres.rows import Table
from connectors.postgres.spec import SPEC, table_object
from connectors.sdk.connector import Connector
from connectors.sdk.errors import ConnectorError, ErrorCategory
from connectors.sdk.outcomes import per_item
from connectors.sdk.records import (
    AccountInfo,
    AppRecord,
    DeletedPage,
    Page,
    WriteOutcome,
)
from connectors.sdk.spec import Field, ObjectSpec

DEFAULT_TIMEOUT_MS = 30_000
DEFAULT_MAX_CONNECTIONS = 2


class PostgresConnector(Connector):
    spec = SPEC

    def __init__(self, http=None, **kwargs):
        super().__init__(http, **kwargs)  # type: ignore[arg-type]
        self._conn: psycopg.Connection | None = None

    # --- the account's objects ----------------------------------------------------------

    @classmethod
    def objects_for(cls, account: dict) -> tuple[ObjectSpec, ...]:
        table = account.get("table")
        return (table_object(table),) if table else ()

    @classmethod
    def setup_sql(cls, account: dict) -> str:
        table = account.get("table")
        return deletes.setup_sql(table, account.get("user", "")) if table else ""

    # --- the connection ------------------------------------------------------------------

    def target(self) -> dsn.Target:
        return dsn.parse(self.credentials.get("dsn", ""),
                         self.credentials.get("allowed_hosts", ()))

    @contextmanager
    def session(self) -> Iterator[psycopg.Connection]:
        """This connector's connection (opened once, kept while it works), every
        database error classified."""
        if self._conn is None or self._conn.closed:
            self._conn = session.connect(
                self.target(),
                statement_timeout_ms=self.credentials.get("statement_timeout_ms",
                                                          DEFAULT_TIMEOUT_MS),
                max_connections=self.credentials.get("max_connections",
                                                     DEFAULT_MAX_CONNECTIONS))
        try:
            yield self._conn
        except psycopg.Error as exc:
            if self._conn.broken:
                self.close()
            raise session.classify(exc) from None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _table(self, object_name: str) -> Table:
        table = self.account.get("table")
        if not table or table["object"] != object_name:
            raise KeyError(f"postgres has no object {object_name!r}")
        return Table(table)

    # --- connecting ----------------------------------------------------------------------

    def tables(self) -> list[dict]:
        with self.session() as conn:
            return catalog.list_tables(conn)

    def describe(self, object_name: str, *, hub_object: str, pk: str = "",
                 updated_at: str = "") -> dict:
        """The chosen table checked (catalog.BadTable when it cannot sync)."""
        with self.session() as conn:
            return catalog.describe(conn, object_name, hub_object=hub_object, pk=pk,
                                    updated_at=updated_at)

    def describe_account(self, choice: Mapping[str, str]) -> dict:
        """{"table": the chosen table's description, "deletes": how deletes are seen}; a
        table that does not exist names the ones the user may read."""
        try:
            table = self.describe(choice.get("object", ""),
                                  hub_object=choice.get("hub_object", ""),
                                  pk=choice.get("key", ""),
                                  updated_at=choice.get("updated_at", ""))
        except catalog.BadTable as exc:
            if "There is no table" in exc.message:
                names = [t["object"] for t in self.tables()][:20]
                exc.message += (" Tables and views it can read: " + ", ".join(names) + "."
                                if names else " It can read no table at all.")
                exc.args = (exc.message,)
            raise
        with self.session() as conn:
            tracked = deletes.trigger_active(conn, table)
        return {"table": table, "deletes": "trigger" if tracked else "key_diff",
                "user": self.target().user}

    def account_info(self) -> AccountInfo:
        target = self.target()
        table = self.account.get("table") or {}
        with self.session() as conn:
            conn.execute("SELECT 1")
        name = f"{target.label} · {table.get('object', '')}".rstrip(" ·")
        return AccountInfo(f"{target.host}:{target.port}/{target.dbname}/{table.get('object')}",
                           name, {"user": target.user, "host": target.host,
                                  "dbname": target.dbname})

    def discover_fields(self, object_name: str) -> Sequence[Field]:
        """Columns added since the table was chosen."""
        table = self._table(object_name).table
        with self.session() as conn:
            now = catalog.describe(conn, object_name, hub_object=table["hub_object"],
                                   pk=table["pk"], updated_at=table["updated_at"])
        known = {c["name"] for c in table["columns"]}
        return [f for f in table_object(now).fields if f.name not in known]

    # --- reads -----------------------------------------------------------------------------

    def read_changes(self, object_name: str, cursor: str | None, limit: int = 100) -> Page:
        table = self._table(object_name)
        after = tuple(json.loads(cursor)) if cursor else None
        with self.session() as conn:
            found = table.changes(conn, after, limit)
        if not found:
            return Page([], cursor, done=True)
        return Page([record for record, _ in found], json.dumps(found[-1][1]),
                    done=len(found) < limit)

    def read_by_ids(self, object_name: str, ids: Sequence[str]) -> list[AppRecord]:
        table = self._table(object_name)
        if not ids:
            return []
        with self.session() as conn:
            return table.by_ids(conn, ids)

    def read_ids(self, object_name: str, after: str | None, limit: int = 1000) -> list[str]:
        table = self._table(object_name)
        with self.session() as conn:
            return table.ids(conn, after, limit)

    def deletes_reported(self, object_name: str) -> bool:
        table = self._table(object_name)
        with self.session() as conn:
            return deletes.trigger_active(conn, table.table)

    def read_deleted(self, object_name: str, cursor: str | None, limit: int = 100
                     ) -> DeletedPage:
        """The trigger's log after the cursor; nothing while the trigger is not set up
        (the nightly key diff finds those deletes)."""
        table = self._table(object_name)
        with self.session() as conn:
            if not deletes.trigger_active(conn, table.table):
                return DeletedPage([], cursor, done=True)
            entries = deletes.read_log(conn, table.table, int(cursor or 0), limit)
        if not entries:
            return DeletedPage([], cursor, done=True)
        return DeletedPage([record for _, record in entries], str(entries[-1][0]),
                           done=len(entries) < limit)

    # --- writes ----------------------------------------------------------------------------

    def _values(self, table: Table, values: dict) -> dict:
        for name in values:
            if name not in table.columns:
                raise ConnectorError(ErrorCategory.INVALID_VALUE,
                                     f"The table has no column “{name}”.", field=name)
            if name not in table.writable and name != table.key:
                raise ConnectorError(ErrorCategory.READ_ONLY,
                                     f"The column “{name}” is not written by Syncapp.",
                                     field=name)
        return {name: (None if value == "" else value) for name, value in values.items()}

    def _writing(self, table: Table, call):
        if table.table["kind"] == "view":
            raise ConnectorError(ErrorCategory.PERMISSION_DENIED,
                                 "A view syncs one way, into Syncapp: it is never written.")
        with self.session() as conn:
            return call(conn)

    def create(self, object_name: str, items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
        table = self._table(object_name)
        return per_item(items, lambda _ref, values: self._writing(
            table, lambda conn: table.insert(conn, self._values(table, values))))

    def update(self, object_name: str, items: Sequence[tuple[str, dict]],
               versions: Mapping[str, str] | None = None) -> list[WriteOutcome]:
        table = self._table(object_name)

        def update_one(key: str, values: dict) -> AppRecord:
            written = self._writing(table, lambda conn: table.update(
                conn, key, self._values(table, values)) if values else next(
                iter(table.by_ids(conn, [key])), None))
            if written is None:
                raise ConnectorError(ErrorCategory.NOT_FOUND,
                                     f"Row {key} no longer exists in the table.")
            return written

        return per_item(items, update_one)

    def delete(self, object_name: str, ids: Sequence[str]) -> list[WriteOutcome]:
        table = self._table(object_name)
        return per_item([(key, key) for key in ids], lambda _ref, key: self._writing(
            table, lambda conn: table.delete(conn, key)))
