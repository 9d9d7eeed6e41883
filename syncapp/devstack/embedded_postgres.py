"""An embedded Postgres (the pgserver package) for machines that have none.

pgserver ships Postgres binaries in a wheel; as root it runs them as a
`pgserver` system user. The server listens on a unix socket inside its data
folder only (no TCP port to collide with a machine Postgres), and the data
folder survives, so a second `make run` finds its data again.

A file beside the data folder records which devstack process started the
server. A server whose starter has died (kill -9) is adopted and stopped at
exit; one started by a live devstack or by hand is used and left running.
"""

import contextlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from syncapp.devstack.errors import DevstackError


def _pgserver():
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset; harmless here.
            warnings.simplefilter("ignore")
            import pgserver  # noqa: PLC0415 - optional dependency, only when embedding
    except ImportError:
        raise DevstackError(
            "DATABASE_URL is not set and pgserver is not installed: "
            "pip install -e '.[embedded]', or point DATABASE_URL at a Postgres."
        ) from None
    return pgserver


@dataclass
class EmbeddedPostgres:
    pgdata: Path
    url: str
    started_here: bool  # False: it was already running; then we leave it running
    system_user: str | None

    def restart(self) -> None:
        """Restart the server in place, as an operator would (open sessions are cut)."""
        _pgserver().pg_ctl(
            ["-w", "-m", "fast", "restart"], pgdata=self.pgdata, user=self.system_user, timeout=60
        )

    def stop(self) -> None:
        """Stop the server if this process started it (fast: rolls back open sessions)."""
        if not self.started_here:
            return
        _pgserver().pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.system_user, timeout=60
        )
        _owner_file(self.pgdata).unlink(missing_ok=True)


def start_postgres(pgdata: Path, database: str = "syncapp") -> EmbeddedPostgres:
    """Start (or reuse) the server on `pgdata` and make sure `database` exists."""
    pgserver = _pgserver()
    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    postmaster = _pid_alive(_read_pid(pgdata / "postmaster.pid"))
    owner = _read_pid(_owner_file(pgdata))
    ours = not postmaster or (owner is not None and not _pid_alive(owner))
    try:
        # cleanup_mode=None: we stop it ourselves, and only if we started it.
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    except Exception as exc:
        log = pgdata / "log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise DevstackError(f"embedded Postgres did not start ({exc}).\n{tail}") from exc
    if ours:
        _owner_file(pgdata).write_text(f"{os.getpid()}\n")
    socket_dir = server.get_postmaster_info().socket_dir
    _create_database(socket_dir, database)
    return EmbeddedPostgres(
        pgdata=pgdata,
        url=f"postgresql://postgres:@/{database}?host={socket_dir}",
        started_here=ours,
        system_user=server.system_user,
    )


def _owner_file(pgdata: Path) -> Path:
    return pgdata.with_name(f"{pgdata.name}.devstack-pid")


def _read_pid(path: Path) -> int | None:
    """The number on a pid file's first line (postmaster.pid starts so too)."""
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _pid_alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user (the postmaster runs as pgserver)
    return True


def _create_database(socket_dir: Path, name: str) -> None:
    with contextlib.closing(
        psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True)
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
