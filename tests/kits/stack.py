"""Starting real Celery processes against the test database and broker."""

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection, connections

from syncapp.devstack.embedded_postgres import start_postgres
from syncapp.settings.env import database_from_url
from tests.kits.markers import require

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """The URL of the database this test run uses (pytest-django's test_* copy)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or ""
    if host.startswith("/"):
        return f"postgresql://{auth}@/{db['NAME']}?host={host}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{auth}@{host}{port}/{db['NAME']}"


def process_env(**extra: str) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="syncapp.settings.test",
        DATABASE_URL=test_database_url(),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)  # a test's own database (DATABASE_URL) included
    return env


@contextmanager
def celery(kind: str, *args: str, log: Path, **env: str):
    """Run `celery -A syncapp <kind>` until the block ends; its output goes to `log`."""
    require("worker", f"starts `celery {kind}`")
    command = [sys.executable, "-m", "celery", "-A", "syncapp", kind, "-l", "info", *args]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=process_env(**env), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield process
        finally:
            stop(process)


def purge_queues() -> int:
    """Drop what earlier tests left in this run's queues with no worker to take it (run
    hints after hub writes, alert evaluations): a worker a test starts must not work
    through that backlog before the test's own tasks. Returns the messages dropped."""
    from syncapp.celery import app
    from syncapp.core.queues import KINDS, queue_name

    with app.connection_for_write() as conn:
        channel = conn.default_channel
        return sum(channel.queue_purge(queue_name(kind)) or 0 for kind in KINDS)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a process group, escalating to SIGKILL if it lingers; returns once every
    process of the group is gone (a worker's pool children may outlive it briefly, and
    still write to Redis or Postgres)."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    if not wait_until(lambda: not _group_alive(process.pid), timeout=5, every=0.05):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(predicate: Callable[[], bool], timeout: float = 30, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


@contextmanager
def redis_stopped(settings, folder: Path):
    """The cache and the Celery broker pointed at a Redis of this test's own, which has
    just stopped: Redis down, without touching the Redis other test runs share."""
    from syncapp.celery import app as celery_app
    from syncapp.devstack.embedded_redis import free_port, start_redis
    from syncapp.integrations.tokens import redis_client

    # Read first: Celery loads its settings from Django's lazily, on first use.
    previous = celery_app.conf.broker_url
    server = start_redis(free_port(), folder, persist=False)
    settings.REDIS_URL = settings.CELERY_BROKER_URL = server.url
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": server.url}}
    celery_app.conf.broker_url = server.url
    redis_client.cache_clear()
    server.stop()
    try:
        yield server
    finally:
        celery_app.conf.broker_url = previous
        redis_client.cache_clear()


@contextmanager
def private_postgres():
    """A Postgres of this test's own, migrated, with this process's connections on it
    for the block: a test may restart it without disturbing tests running beside it.
    Yields the server (its `url` is for the workers the test starts)."""
    folder = tempfile.mkdtemp(prefix="syncapp-test-pg-")
    # As root, pgserver runs Postgres as a system user of its own, who must reach pgdata.
    os.chmod(folder, 0o755)  # noqa: S103
    server = start_postgres(Path(folder) / "pgdata", "syncapp")
    default = connections["default"]
    saved = dict(default.settings_dict)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True,
                       env=process_env(DATABASE_URL=server.url))
        default.close()
        # Every thread's connection is made from this one dict (the live server's too).
        default.settings_dict.update({key: value for key, value in database_from_url(
            server.url).items() if key in ("NAME", "HOST", "PORT", "USER", "PASSWORD")})
        yield server
    finally:
        default.close()
        default.settings_dict.update(saved)
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
        # pgserver says goodbye from an atexit hook, after pytest has closed its streams.
        logging.getLogger("pgserver").propagate = False
