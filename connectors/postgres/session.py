"""One connection to the user's database, opened under the product's limits, and the
classification of every database error into the product's categories.

The rate limit of a database is what it can take at once: each statement runs under
a `statement_timeout`, and at most `max_connections` sessions of Syncapp's hold one
of the connection slots at a time, across every worker process. A slot is a
session-level advisory lock on the user's database (released with the connection,
whoever dies), so the cap holds without any state of ours.
"""

import psycopg
from psycopg import errors as pg

from connectors.postgres.dsn import Target
from connectors.sdk.errors import ConnectorError, ErrorCategory

SLOT_LOCK_CLASS = 0x53594E43  # "SYNC": the advisory-lock class id of the connection slots
CONNECT_TIMEOUT_S = 10
BUSY_RETRY_S = 5


def connect(target: Target, *, statement_timeout_ms: int, max_connections: int
            ) -> psycopg.Connection:
    """An autocommit connection holding one of the `max_connections` slots."""
    try:
        conn = psycopg.connect(
            **target.params, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
            application_name="syncapp",
            options=f"-c statement_timeout={int(statement_timeout_ms)} -c TimeZone=UTC")
    except psycopg.Error as exc:
        raise connect_error(target, exc) from None
    try:
        for slot in range(max(1, max_connections)):
            row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                               (SLOT_LOCK_CLASS, slot)).fetchone()
            if row and row[0]:
                return conn
    except psycopg.Error as exc:
        conn.close()
        raise classify(exc) from None
    conn.close()
    raise ConnectorError(
        ErrorCategory.RATE_LIMITED,
        f"Syncapp already holds its {max_connections} connection(s) to this database; "
        "the sync goes on when one is free.", retry_after=BUSY_RETRY_S)


def connect_error(target: Target, exc: psycopg.Error) -> ConnectorError:
    """Why a connection could not be opened, in words the admin can act on."""
    text = str(exc).strip()
    lowered = text.lower()
    if isinstance(exc, pg.InvalidPassword) or "password authentication failed" in lowered \
            or "no password supplied" in lowered:
        return ConnectorError(ErrorCategory.AUTH_EXPIRED,
                              f"The database refused the user “{target.user}”: wrong "
                              "password (or no password).", vendor_message=text)
    if isinstance(exc, pg.InvalidAuthorizationSpecification) or "no pg_hba.conf entry" in \
            lowered or ("role" in lowered and "does not exist" in lowered):
        return ConnectorError(ErrorCategory.AUTH_EXPIRED,
                              f"The database does not let “{target.user}” sign in.",
                              vendor_message=text)
    if isinstance(exc, pg.InvalidCatalogName) or (
            "database" in lowered and "does not exist" in lowered):
        return ConnectorError(ErrorCategory.REJECTED,
                              f"There is no database “{target.dbname}” on {target.host}.",
                              vendor_message=text)
    return ConnectorError(ErrorCategory.APP_UNAVAILABLE,
                          f"The database at {target.host}:{target.port} could not be reached "
                          "(is it running, and open to Syncapp?).", vendor_message=text)


# SQLSTATE classes and codes -> what the caller must do.
_BY_CODE = {
    "42501": ErrorCategory.PERMISSION_DENIED,  # insufficient_privilege
    "23505": ErrorCategory.DUPLICATE,  # unique_violation
    "23502": ErrorCategory.REQUIRED_MISSING,  # not_null_violation
    "23514": ErrorCategory.REJECTED,  # check_violation
    "23503": ErrorCategory.REJECTED,  # foreign_key_violation
    "57014": ErrorCategory.APP_UNAVAILABLE,  # query_canceled: the statement timeout
    "53300": ErrorCategory.RATE_LIMITED,  # too_many_connections
    "40001": ErrorCategory.APP_UNAVAILABLE,  # serialization_failure
    "40P01": ErrorCategory.APP_UNAVAILABLE,  # deadlock_detected
}


def classify(exc: psycopg.Error, field: str | None = None) -> ConnectorError:
    """A database error as a ConnectorError keeping the database's own words."""
    code = getattr(exc, "sqlstate", None) or ""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    category = _BY_CODE.get(code)
    if category is None and code.startswith("22"):  # data_exception: a value of a wrong type
        category = ErrorCategory.INVALID_VALUE
    if category is None and (code.startswith(("08", "57", "53", "58")) or (
            code == "" and isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError))):
        category = ErrorCategory.APP_UNAVAILABLE
    if category is None and code in {"42P01", "42703"}:  # the table or a column is gone
        category = ErrorCategory.PERMISSION_DENIED
        text = f"The table or one of its columns no longer exists: {text}"
    messages = {
        ErrorCategory.PERMISSION_DENIED: "The database user lacks a privilege this sync needs "
                                         "(SELECT, INSERT or UPDATE on the table).",
        ErrorCategory.APP_UNAVAILABLE: "The database did not answer in time or went away.",
    }
    category = category or ErrorCategory.REJECTED
    return ConnectorError(category, messages.get(category, text), vendor_message=text,
                          field=field, retry_after=BUSY_RETRY_S
                          if category is ErrorCategory.RATE_LIMITED else None)
