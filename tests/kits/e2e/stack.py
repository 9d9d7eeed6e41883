"""The product as `make run` starts it, for the end-to-end scenarios.

Web, a Celery worker and beat are started with the devstack's own commands and
the `make run` settings, on a database of their own next to the test database.
The database is migrated and seeded with the demo once per session, as a
template; every round then gets a fresh copy of it (CREATE DATABASE … TEMPLATE
takes well under a second), an emptied Redis database, and new processes — so
the sandboxes, whose state lives in that Redis database (SANDBOX_SHARED_STATE, on in
the `make run` settings), start fresh too.
"""

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
from psycopg import sql

from syncapp.devstack.__main__ import commands
from syncapp.devstack.embedded_redis import free_port
from syncapp.devstack.supervisor import Child, detached, stop_all
from syncapp.settings.env import with_redis_database

ROOT = Path(__file__).resolve().parents[3]
LOGS = ROOT / "test-artifacts" / "e2e-logs"
# Redis database of the stack: the suite's own tasks and locks stay in another one.
STACK_REDIS_DB = 13
READY_TIMEOUT_S = 90.0
# Short enough that the scenarios wait seconds for a change, not the default 2 minutes.
POLL_INTERVAL_S = 2
TUNING = {"SYNC_POLL_INTERVAL_S": str(POLL_INTERVAL_S), "SYNC_TICK_S": "1",
          "HEARTBEAT_INTERVAL_S": "2"}


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` (the query, e.g. an embedded socket, is kept)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _stack_env(database_url: str, redis_url: str, site_url: str, folder: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST", "SYNCAPP_TEST"))}
    env.update(TUNING)
    env.update({
        "DJANGO_SETTINGS_MODULE": "syncapp.settings.dev", "PYTHONUNBUFFERED": "1",
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SITE_URL": site_url,
        "EMAIL_FILE_PATH": str(folder / "mail"), "EXPORT_ROOT": str(folder / "exports"),
    })
    for name in ("SECRET_KEY", "ENCRYPTION_KEY", "DEBUG", "SANDBOXES_ENABLED", "EMAIL_BACKEND"):
        env.pop(name, None)  # the `make run` settings decide them, as for a person
    return env


def _manage(env: dict, log: Path, *args: str) -> None:
    with log.open("ab") as out:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                              stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: see {log}")


@dataclass
class Template:
    """The migrated, seeded database every round starts from."""

    server_url: str  # the test run's DATABASE_URL: same server, other databases
    name: str

    def copy_to(self, name: str) -> str:
        with _admin(self.server_url) as conn:
            _drop(conn, name)
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(self.name)))
        return with_database(self.server_url, name)


def empty_database(server_url: str, name: str) -> str:
    """A new, empty database `name` on the test run's server (dropped first if there)."""
    with _admin(server_url) as conn:
        _drop(conn, name)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def build_template(server_url: str, name: str, folder: Path) -> Template:
    folder.mkdir(parents=True, exist_ok=True)
    env = _stack_env(empty_database(server_url, name), "redis://unused", "http://unused", folder)
    log = folder / "template.log"
    _manage(env, log, "migrate", "--noinput")
    _manage(env, log, "seed_demo")
    return Template(server_url, name)


@contextlib.contextmanager
def _admin(server_url: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        yield conn


def _drop(conn: psycopg.Connection, name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass
class Stack:
    url: str  # what the browser opens: the same address the product calls itself
    database_url: str
    folder: Path
    children: list[Child]

    @property
    def mail(self) -> Path:
        return self.folder / "mail"

    def rows(self, query: str, *params) -> list[tuple]:
        """Rows read from the stack's database (to check what the pages show)."""
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(query, params).fetchall()

    def scalar(self, query: str, *params):
        rows = self.rows(query, *params)
        return rows[0][0] if rows else None

    def alive(self) -> list[str]:
        return [c.name for c in self.children if c.process.poll() is None]


@contextlib.contextmanager
def running_stack(template: Template, redis_url: str, name: str) -> Iterator[Stack]:
    """A fresh copy of the demo, with web, worker and beat running until the block ends."""
    folder = LOGS / name
    folder.mkdir(parents=True, exist_ok=True)
    database_url = template.copy_to(f"{template.name}_run")
    stack_redis = with_redis_database(redis_url, STACK_REDIS_DB)
    redis.Redis.from_url(stack_redis).flushdb()
    port = free_port()
    url = f"http://localhost:{port}"
    env = _stack_env(database_url, stack_redis, url, folder)
    children = []
    try:
        for process, argv in commands(port, folder / "celerybeat-schedule").items():
            out = (folder / f"{process}.log").open("wb")
            children.append(Child(process, detached(argv, cwd=ROOT, env=env, stdout=out,
                                                    stderr=subprocess.STDOUT)))
        stack = Stack(url, database_url, folder, children)
        wait_until_healthy(stack)
        yield stack
    finally:
        stop_all(children, grace_s=10)


def wait_until_healthy(stack: Stack) -> None:
    """Return when /healthz answers 200: Postgres, Redis, a worker and beat are all seen."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    last = "no answer"
    while time.monotonic() < deadline:
        if len(stack.alive()) < len(stack.children):
            raise RuntimeError(f"a process of the stack exited: see {stack.folder}/*.log")
        try:
            with urllib.request.urlopen(stack.url + "/healthz", timeout=5) as reply:  # noqa: S310
                if reply.status == 200:
                    return
        except urllib.error.HTTPError as error:
            last = json.dumps(json.loads(error.read() or b"{}"))
        except OSError as error:
            last = str(error)
        time.sleep(0.5)
    raise RuntimeError(f"the stack did not become healthy in {READY_TIMEOUT_S:.0f} s: {last}")
