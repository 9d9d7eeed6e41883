"""The SQL of reads and writes on one described table.

Reads page by (updated_at, key) keyset: `(updated_at, key) > (cursor) ORDER BY
updated_at, key LIMIT n`, so rows sharing a timestamp are neither lost nor read
twice. Writes run one statement per row in autocommit, so one bad row never fails
the others; creates are `INSERT … ON CONFLICT (key) DO UPDATE` where the row's key
is given (a create sent again after a worker died updates the row it made).
"""

from collections.abc import Sequence

import psycopg
from psycopg import sql

from connectors.postgres.spec import field_type, table_object
from connectors.postgres.values import canonical, utc
from connectors.sdk.records import AppRecord
from connectors.sdk.spec import FieldType

# `'abc'::character` would keep one letter: cast to the unbounded spelling instead.
CASTS = {"character": "bpchar"}


class Table:
    """One described table (catalog.describe) and the statements over it."""

    def __init__(self, table: dict):
        self.table = table
        self.relation = sql.Identifier(table["schema"], table["name"])
        self.key = table["pk"]
        self.stamp = table["updated_at"]
        self.columns = {c["name"]: c for c in table["columns"]}
        self.kinds = {name: field_type(c) or FieldType.TEXT for name, c in self.columns.items()}
        self.writable = {f.name for f in table_object(table).fields if not f.read_only}

    def _cast(self, column: str) -> sql.Composable:
        # The type names come from spec.TYPES (a fixed list), never from the user.
        kind = self.columns[column]["type"]
        return sql.SQL("%s::{}").format(sql.SQL(CASTS.get(kind, kind)))

    def _select(self) -> sql.Composed:
        return sql.SQL("SELECT {} FROM {}").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in self.columns), self.relation)

    def record(self, row: tuple) -> AppRecord:
        values = dict(zip(self.columns, row, strict=True))
        stamp = values[self.stamp]
        return AppRecord(str(values[self.key]),
                         {name: canonical(self.kinds[name], v) for name, v in values.items()},
                         modified_at=utc(stamp) if stamp is not None else None)

    def changes(self, conn: psycopg.Connection, after: tuple | None, limit: int
                ) -> list[tuple[AppRecord, tuple]]:
        """Up to `limit` rows after the (updated_at, key) position `after`, with theirs."""
        order = sql.SQL(" WHERE {s} IS NOT NULL{more} ORDER BY {s}, {k} LIMIT %s").format(
            s=sql.Identifier(self.stamp), k=sql.Identifier(self.key),
            more=sql.SQL("") if after is None else sql.SQL(" AND ({}, {}) > ({}, {})").format(
                sql.Identifier(self.stamp), sql.Identifier(self.key),
                self._cast(self.stamp), self._cast(self.key)))
        params = (limit,) if after is None else (*after, limit)
        rows = conn.execute(self._select() + order, params).fetchall()
        names = list(self.columns)
        at_stamp, at_key = names.index(self.stamp), names.index(self.key)
        return [(self.record(row), (row[at_stamp].isoformat(), str(row[at_key])))
                for row in rows]

    def by_ids(self, conn: psycopg.Connection, ids: Sequence[str]) -> list[AppRecord]:
        where = sql.SQL(" WHERE {}::text = ANY(%s)").format(sql.Identifier(self.key))
        return [self.record(row) for row in
                conn.execute(self._select() + where, (list(ids),)).fetchall()]

    def ids(self, conn: psycopg.Connection, after: str | None, limit: int) -> list[str]:
        where = sql.SQL("") if after is None else sql.SQL(" WHERE {} > {}").format(
            sql.Identifier(self.key), self._cast(self.key))
        # Named apart from the column, so ORDER BY sorts by the typed key, not its text.
        query = sql.SQL("SELECT {k}::text AS syncapp_key FROM {t}{w} ORDER BY {k} LIMIT %s").format(
            k=sql.Identifier(self.key), t=self.relation, w=where)
        params = (limit,) if after is None else (after, limit)
        return [row[0] for row in conn.execute(query, params).fetchall()]

    # --- writes -------------------------------------------------------------------------

    def _returning(self) -> sql.Composed:
        return sql.SQL(" RETURNING {}").format(
            sql.SQL(", ").join(sql.Identifier(c) for c in self.columns))

    def insert(self, conn: psycopg.Connection, values: dict) -> AppRecord:
        """Our writes set updated_at too, so others reading the table see them."""
        names = list(values)
        stamp = [] if self.stamp in values else [self.stamp]
        columns = sql.SQL(", ").join(sql.Identifier(c) for c in names + stamp)
        placeholders = sql.SQL(", ").join(
            [self._cast(c) for c in names] + [sql.SQL("clock_timestamp()")] * len(stamp))
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            self.relation, columns, placeholders)
        if self.key in values:
            updates = [c for c in names + stamp if c != self.key]
            query += sql.SQL(" ON CONFLICT ({}) DO UPDATE SET {}").format(
                sql.Identifier(self.key), sql.SQL(", ").join(
                    sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(c)) for c in updates))
        row = conn.execute(query + self._returning(), [values[c] for c in names]).fetchone()
        assert row is not None
        return self.record(row)

    def update(self, conn: psycopg.Connection, key: str, values: dict) -> AppRecord | None:
        """The row as written, or None when it no longer exists."""
        sets = [sql.SQL("{} = {}").format(sql.Identifier(c), self._cast(c)) for c in values]
        if self.stamp not in values:
            sets.append(sql.SQL("{} = clock_timestamp()").format(sql.Identifier(self.stamp)))
        query = sql.SQL("UPDATE {} SET {} WHERE {} = {}").format(
            self.relation, sql.SQL(", ").join(sets), sql.Identifier(self.key),
            self._cast(self.key))
        row = conn.execute(query + self._returning(), [*values.values(), key]).fetchone()
        return self.record(row) if row else None

    def delete(self, conn: psycopg.Connection, key: str) -> None:
        conn.execute(sql.SQL("DELETE FROM {} WHERE {} = {}").format(
            self.relation, sql.Identifier(self.key), self._cast(self.key)), (key,))
