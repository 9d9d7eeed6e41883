"""Deleted rows: the log a trigger keeps, which Syncapp offers as SQL for the user to
run, else the nightly key diff (the product's, through Connector.read_ids).

The trigger is recommended: reading its log costs what the deletes cost, while a key
diff reads every key of the table. The log lives beside the table, in the same
schema; a row records the table, the deleted row's key as text and when.
"""

import psycopg
from psycopg import sql

from connectors.sdk.records import DeletedRecord

LOG_TABLE = "syncapp_deleted_rows"
TRIGGER = "syncapp_log_delete"


def setup_sql(table: dict, user: str = "") -> str:
    """What the user runs, as the table's owner, to log the table's deletes."""
    schema, name, key = (sql.Identifier(table["schema"]), sql.Identifier(table["name"]),
                         table["pk"].replace("'", "''"))
    log = f"{schema.as_string()}.{LOG_TABLE}"
    relation = f"{schema.as_string()}.{name.as_string()}"
    grantee = sql.Identifier(user).as_string() if user else "<the sync user>"
    # Text the user reads and runs, every name in it quoted by sql.Identifier.
    return f"""-- Syncapp: log the rows deleted from {table['object']}, so Syncapp sees deletes.
CREATE TABLE IF NOT EXISTS {log} (
    id bigserial PRIMARY KEY,
    table_name text NOT NULL,
    row_key text NOT NULL,
    deleted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS {LOG_TABLE}_table ON {log} (table_name, id);

CREATE OR REPLACE FUNCTION {schema.as_string()}.{TRIGGER}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    deleted_key text;
BEGIN
    EXECUTE format('SELECT ($1).%I::text', TG_ARGV[0]) USING OLD INTO deleted_key;
    INSERT INTO {log} (table_name, row_key) VALUES (TG_TABLE_NAME, deleted_key);
    RETURN OLD;
END $$;

DROP TRIGGER IF EXISTS {TRIGGER} ON {relation};
CREATE TRIGGER {TRIGGER} AFTER DELETE ON {relation}
    FOR EACH ROW EXECUTE FUNCTION {schema.as_string()}.{TRIGGER}('{key}');

GRANT SELECT ON {log} TO {grantee};
-- Entries older than the longest a sync stays off can be deleted at any time.
"""  # noqa: S608 - shown to the user, every name quoted


def trigger_active(conn: psycopg.Connection, table: dict) -> bool:
    """Whether the table's deletes are logged (the trigger and a readable log exist)."""
    relation = sql.Identifier(table["schema"], table["name"]).as_string(conn)
    log = sql.Identifier(table["schema"], LOG_TABLE).as_string(conn)
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = %s::regclass "
        "AND tgname = %s AND tgenabled <> 'D' AND NOT tgisinternal) "
        "AND CASE WHEN to_regclass(%s) IS NULL THEN false "
        "ELSE has_table_privilege(%s, 'SELECT') END",
        (relation, TRIGGER, log, log)).fetchone()
    return bool(row and row[0])


def read_log(conn: psycopg.Connection, table: dict, after: int, limit: int
             ) -> list[tuple[int, DeletedRecord]]:
    """Log entries of the table after entry `after`, oldest first."""
    query = sql.SQL("SELECT id, row_key, deleted_at FROM {} WHERE table_name = %s AND id > %s "
                    "ORDER BY id LIMIT %s").format(sql.Identifier(table["schema"], LOG_TABLE))
    rows = conn.execute(query, (table["name"], after, limit)).fetchall()
    return [(entry, DeletedRecord(key, deleted_at)) for entry, key, deleted_at in rows]
