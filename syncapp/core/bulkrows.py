"""Writing thousands of rows of one model in a few statements (the sync engine's batches),
and reading a batch's rows back without Django's per-value Python (reading_cursor,
values; lookup keys as one parameter, as_json_param).

Django's bulk_update sends one CASE WHEN per field and row: slow to build in
Python and slow for Postgres to run once a batch has thousands of rows. Here
inserts go through COPY (primary keys drawn from the table's sequence first, so
callers get them as with bulk_create), and updates COPY the new values into a
temporary table and apply them with one UPDATE … FROM. Errors come out as
Django's (IntegrityError, …), as from the ORM.

Each write is atomic without a savepoint of its own: inside a caller's transaction a
savepoint costs two round trips, and a batch's commit makes five of these writes, each
round trip waiting once more for the GIL the next batch's decision holds (reading
ahead, syncs/run/ahead.py). A caller that goes on after a failed write (crm.bulk's
one-by-one fallbacks) makes its own savepoint.

Values are prepared per field once, not per value through the ORM's generic path:
JSON is dumped to text by orjson (COPY's text format hands it to jsonb's input), and
the plain types psycopg adapts itself pass as they are.

The objects written are model instances, or plain rows (a class with the model's
attribute names and a `row_model` naming the model): a batch of thousands of links
costs a Django model instance each otherwise, more than writing them.
"""

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC
from operator import attrgetter

import orjson
import psycopg
from django.db import connection, models, transaction
from django.db.models import NOT_PROVIDED, Model, QuerySet
from psycopg.pq import Format

# Fields whose Python value psycopg writes as the column expects (dates; datetimes, a
# DateField too, are formatted first: _moments).
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField,
          models.ForeignKey, models.DateField, models.FloatField)


def _preparer(field) -> Callable:
    if isinstance(field, models.DateTimeField):
        return _moments()
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        if encoder is None:
            return dump_json

        def dump(value):
            return None if value is None else json.dumps(value, cls=encoder)

        return dump
    if isinstance(field, _PLAIN):
        return _same
    return lambda value: field.get_db_prep_save(value, connection)


def _same(value):
    return value


def _moments() -> Callable:
    """Datetimes as COPY's text, each distinct one formatted once per statement (one
    preparer per statement): the rows of a batch share a few moments (the batch's time,
    the statement's), and psycopg formats a datetime in about 3 µs, twice what the rest
    of a history row costs it."""
    texts: dict = {}

    def text(value):
        if value is None:
            return None
        found = texts.get(value)
        if found is None:
            found = texts[value] = value.isoformat()
        return found

    return text


TIMESTAMPTZ = psycopg.adapters.types["timestamptz"].oid


@contextmanager
def reading_cursor() -> Iterator:
    """A cursor for a batch's reads of thousands of rows: timestamps are loaded by
    psycopg's own loader, in C, not by Django's, a Python subclass of it (3-4 µs a value;
    with the JSON below, 9% of the initial sync's Python). Both give the same datetimes
    on a UTC session, the only one Django opens with USE_TZ; on another, Django's."""
    with connection.cursor() as cursor:
        if connection.timezone == UTC:
            cursor.cursor.adapters.register_loader(
                "timestamptz", psycopg.adapters.get_loader(TIMESTAMPTZ, Format.TEXT))
        yield cursor


def values(queryset: QuerySet, json_columns: Sequence[int] = ()) -> list[tuple]:
    """A values_list queryset's rows, read through reading_cursor, with the columns at
    `json_columns` decoded by orjson (Django's JSONField decodes each with json.loads)."""
    sql, params = queryset.query.sql_with_params()
    with reading_cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not json_columns:
        return rows
    decoded = []
    for row in rows:
        cells = list(row)
        for i in json_columns:
            if isinstance(cells[i], str):
                cells[i] = orjson.loads(cells[i])
        decoded.append(tuple(cells))
    return decoded


def as_json_param(keys: Iterable) -> str:
    """Keys (text or integers; a dict gives its keys) as one JSON array parameter, which
    SQL reads with json_array_elements_text(%s::json). A dict of them as an object is
    dump_json's, read with json_each_text.

    Not a list, which psycopg quotes element by element in Python as an array literal:
    2.3 ms for a batch's 2,000 emails and 1.4 ms for 2,000 ids, against 0.9 and 0.4 ms
    as JSON, which orjson writes in C (3% of the engine's Python in the initial sync)."""
    return orjson.dumps(list(keys)).decode()


def dump_json(value) -> str | None:
    """JSON text for a jsonb column, as json.dumps would write it for jsonb's input."""
    if value is None:
        return None
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def model_of(obj) -> type[Model]:
    """The model a model instance or a plain row (see the module's docstring) belongs to."""
    return getattr(type(obj), "row_model", None) or type(obj)


def _writable_fields(model: type[Model]) -> list:
    """Concrete fields, the primary key first; columns with a database default are
    left to the database (the change log's transaction id)."""
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk and
              f.db_default is NOT_PROVIDED]
    return [meta.pk, *fields]


def _reserve_ids(cursor, meta, count: int) -> list[int]:
    # The sequence looked up once, not per id: pg_get_serial_sequence is only stable, so
    # in nextval's argument it ran for every row (5-9 ms for 2,000 ids, against 0.7).
    cursor.execute(
        "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
        "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
        [meta.db_table, meta.pk.column, count])
    return [pk for (pk,) in cursor.fetchall()]


def insert(objs: Sequence) -> None:
    """INSERT `objs` (all of one model, not saved yet) with COPY; sets their pk."""
    if not objs:
        return
    model = model_of(objs[0])
    meta = model._meta
    fields = _writable_fields(model)
    stamped = [f for f in fields if getattr(f, "auto_now", False) or
               getattr(f, "auto_now_add", False)]
    # One moment for the statement's auto_now fields, as Postgres's now() would have.
    moments = {f.attname: f.pre_save(objs[0], add=True) for f in stamped}
    with transaction.atomic(savepoint=False), connection.wrap_database_errors, \
            connection.cursor() as cursor:
        for obj, pk in zip(objs, _reserve_ids(cursor, meta, len(objs)), strict=True):
            obj.pk = pk
            for name, moment in moments.items():
                setattr(obj, name, moment)
        _copy(cursor, meta.db_table, [f.column for f in fields], _rows(objs, fields))
    if isinstance(objs[0], Model):
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias


def insert_rows(model: type[Model], field_names: Sequence[str],
                rows: Sequence[Sequence]) -> None:
    """INSERT plain rows (values in `field_names` order) with COPY: no model instances,
    for rows nobody reads back (history); other columns take their database default."""
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    with transaction.atomic(savepoint=False), connection.wrap_database_errors, \
            connection.cursor() as cursor:
        _copy(cursor, meta.db_table, [f.column for f in fields], _prepared(rows, fields))


def _rows(objs: Sequence, fields: list) -> Iterable[list]:
    """Each object's values of `fields`, ready for COPY: read in one C call per object
    (attrgetter)."""
    return _prepared(map(attrgetter(*(f.attname for f in fields)), objs), fields)


def _prepared(rows: Iterable[Sequence], fields: list) -> Iterable[list]:
    """Rows of `fields`' values, ready for COPY: only the values that need preparing
    (JSON, datetimes, …) prepared, the others passed as they are (a history row has
    two of nine to prepare)."""
    preparing = [(i, p) for i, p in enumerate(_preparer(f) for f in fields) if p is not _same]
    for given in rows:
        row = list(given)
        for i, prepare in preparing:
            row[i] = prepare(row[i])
        yield row


def update(objs: Sequence, field_names: Sequence[str]) -> None:
    """UPDATE `field_names` of saved `objs` (one model): COPY, then one UPDATE … FROM."""
    if not objs:
        return
    meta = model_of(objs[0])._meta
    fields = [meta.pk, *(meta.get_field(name) for name in field_names)]
    columns = [f.column for f in fields]
    staging = f"_bulkrows_{meta.db_table}"
    quote = connection.ops.quote_name
    listed = ", ".join(quote(c) for c in columns)
    assignments = ", ".join(f"{quote(c)} = s.{quote(c)}" for c in columns[1:])
    rows = _rows(objs, fields)
    with transaction.atomic(savepoint=False), connection.wrap_database_errors, \
            connection.cursor() as cursor:
        # Dropped at commit; dropped first when one transaction uses it twice.
        cursor.execute(f"DROP TABLE IF EXISTS {quote(staging)}")
        cursor.execute(f"CREATE TEMPORARY TABLE {quote(staging)} ON COMMIT DROP AS "  # noqa: S608
                       f"SELECT {listed} FROM {quote(meta.db_table)} WITH NO DATA")
        _copy(cursor, staging, columns, rows)
        cursor.execute(
            f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "  # noqa: S608 - names
            f"FROM {quote(staging)} AS s WHERE t.{quote(meta.pk.column)} = "
            f"s.{quote(meta.pk.column)}")


def _copy(cursor, table: str, columns: list[str], rows: Iterable[list]) -> None:
    quote = connection.ops.quote_name
    statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
