"""What a table is, read from the database: its columns and their types
(information_schema), its primary key and the user's privileges (pg_catalog, since
information_schema hides constraints from a user who may only SELECT).

`describe` checks the admin's choice of table, key and "updated at" column and
turns every wrong choice into a message naming what to change.
"""

import psycopg
from psycopg import sql

from connectors.postgres.session import classify
from connectors.postgres.spec import KEY_TYPES, TIMESTAMP_TYPES, TYPES
from connectors.sdk.errors import ConnectorError, ErrorCategory

UPDATED_AT_GUESSES = ("updated_at", "modified_at", "updatedat", "last_modified", "updated")
HUB_OBJECTS = ("contact", "lead", "company", "deal", "product", "ticket")


class BadTable(ConnectorError):
    """The chosen table, key or column cannot be synced; the message says why."""

    def __init__(self, message: str):
        super().__init__(ErrorCategory.REJECTED, message)


def list_tables(conn: psycopg.Connection) -> list[dict]:
    """The tables and views this user may read, as {"object", "kind"}."""
    rows = conn.execute(
        "SELECT table_schema, table_name, table_type FROM information_schema.tables "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
        "AND table_type IN ('BASE TABLE', 'VIEW') AND table_name <> 'syncapp_deleted_rows' "
        "AND has_table_privilege(quote_ident(table_schema) || '.' || quote_ident(table_name),"
        " 'SELECT') ORDER BY 1, 2").fetchall()
    return [{"object": f"{schema}.{name}", "kind": "view" if kind == "VIEW" else "table"}
            for schema, name, kind in rows]


def split_name(object_name: str) -> tuple[str, str]:
    schema, dot, name = object_name.strip().rpartition(".")
    return (schema or "public", name) if dot else ("public", object_name.strip())


def describe(conn: psycopg.Connection, object_name: str, *, hub_object: str,
             pk: str = "", updated_at: str = "") -> dict:
    """The table's description kept on the connection (spec.table_object reads it)."""
    if hub_object not in HUB_OBJECTS:
        raise BadTable(f"Choose what the rows are in Syncapp: one of {', '.join(HUB_OBJECTS)}.")
    schema, name = split_name(object_name)
    try:
        found = conn.execute(
            "SELECT table_type FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name = %s", (schema, name)).fetchone()
        if found is None:
            raise BadTable(f"There is no table or view “{schema}.{name}” that this database "
                           "user can see.")
        columns = _columns(conn, schema, name)
        relation = sql.Identifier(schema, name).as_string(conn)
        privileges = [p for p in ("SELECT", "INSERT", "UPDATE") if (conn.execute(
            "SELECT has_table_privilege(%s, %s)", (relation, p)).fetchone() or (False,))[0]]
        primary = _primary_key(conn, relation)
    except psycopg.Error as exc:
        raise classify(exc) from None
    kind = "view" if found[0] == "VIEW" else "table"
    if "SELECT" not in privileges:
        raise BadTable(f"The database user may not read “{schema}.{name}”: grant it SELECT "
                       f"(GRANT SELECT ON {relation} TO …).")
    by_name = {c["name"]: c for c in columns}
    key = _key(kind, f"{schema}.{name}", primary, pk, by_name)
    stamp = _updated_at(f"{schema}.{name}", updated_at, by_name)
    return {"object": f"{schema}.{name}", "schema": schema, "name": name, "kind": kind,
            "pk": key, "updated_at": stamp, "hub_object": hub_object,
            "columns": [c for c in columns if c["type"] in TYPES],
            "skipped": [c["name"] for c in columns if c["type"] not in TYPES],
            "privileges": privileges}


def _columns(conn, schema: str, name: str) -> list[dict]:
    rows = conn.execute(
        "SELECT column_name, data_type, udt_name, is_nullable = 'YES', "
        "column_default IS NOT NULL OR is_identity = 'YES', is_generated = 'ALWAYS' "
        "FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
        "ORDER BY ordinal_position", (schema, name)).fetchall()
    return [{"name": column, "type": udt if kind == "USER-DEFINED" else kind,
             "nullable": nullable, "has_default": has_default, "generated": generated}
            for column, kind, udt, nullable, has_default, generated in rows]


def _primary_key(conn, relation: str) -> list[str]:
    rows = conn.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
        "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary", (relation,)).fetchall()
    return [row[0] for row in rows]


def _key(kind: str, label: str, primary: list[str], wanted: str, by_name: dict) -> str:
    if kind == "table" and not primary:
        raise BadTable(f"“{label}” has no primary key. Syncapp needs one to tell rows apart "
                       "and to write with INSERT … ON CONFLICT: add a primary key, or sync a "
                       "view of it (one way, into Syncapp).")
    if kind == "table" and len(primary) > 1:
        raise BadTable(f"The primary key of “{label}” has several columns "
                       f"({', '.join(primary)}); Syncapp needs a single-column key.")
    key = wanted.strip() or (primary[0] if primary else "")
    if not key:
        raise BadTable(f"“{label}” is a view: choose the column that identifies its rows.")
    if key not in by_name:
        raise BadTable(f"“{label}” has no column “{key}”.")
    if kind == "table" and key != primary[0]:
        raise BadTable(f"The key must be the primary key of “{label}”, “{primary[0]}”.")
    if by_name[key]["type"] not in KEY_TYPES:
        raise BadTable(f"The key column “{key}” is of type {by_name[key]['type']}; a key must "
                       "be a number, text or uuid column.")
    return key


def _updated_at(label: str, wanted: str, by_name: dict) -> str:
    column = wanted.strip() or next(
        (c for c in UPDATED_AT_GUESSES if c in by_name
         and by_name[c]["type"] in TIMESTAMP_TYPES), "")
    if not column:
        raise BadTable(f"Choose the column of “{label}” that holds each row's last change "
                       "time (such as updated_at).")
    if column not in by_name:
        raise BadTable(f"“{label}” has no column “{column}”.")
    if by_name[column]["type"] not in TIMESTAMP_TYPES:
        raise BadTable(f"The column “{column}” is of type {by_name[column]['type']}; the "
                       "“updated at” column must be a timestamp.")
    return column
