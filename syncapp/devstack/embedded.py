"""Postgres and Redis for the devstack: the environment's, else embedded ones.

DATABASE_URL / REDIS_URL, when set, win and nothing is started. Otherwise an
embedded server is started, its URL is put in os.environ for every child
process, and it is stopped on the way out — only if we started it.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from syncapp.devstack.embedded_postgres import start_postgres
from syncapp.devstack.embedded_redis import free_port, start_redis
from syncapp.devstack.supervisor import say, signals_ignored

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / ".data"


@dataclass(frozen=True)
class Profile:
    pgdata: Path
    redis_port: int | None  # None: any free port
    redis_dir: Path | None  # None: a temporary folder, removed afterwards
    persist_redis: bool


# `run` keeps its data between starts, in this checkout's .data folder whatever the
# port: Redis takes any free port (Postgres listens on a socket in its data folder),
# so copies of Syncapp started with different PORTs run side by side.
RUN = Profile(DATA / "postgres", None, DATA / "redis", persist_redis=True)
# Tests: pytest-django creates its own test database in this cluster anyway.
TEST = Profile(DATA / "test-postgres", None, None, persist_redis=False)


@contextmanager
def services(profile: Profile) -> Iterator[None]:
    """Make DATABASE_URL and REDIS_URL usable for the duration of the block."""
    stack = ExitStack()
    try:
        _postgres(profile, stack)
        _redis(profile, stack)
        yield
    finally:
        with signals_ignored():
            stack.close()


def _postgres(profile: Profile, stack: ExitStack) -> None:
    if os.environ.get("DATABASE_URL"):
        say("Postgres: using DATABASE_URL from the environment")
        return
    say(f"Postgres: starting the embedded server in {_shown(profile.pgdata)}")
    postgres = start_postgres(profile.pgdata)
    if postgres.started_here:
        stack.callback(_announced, "Postgres", postgres.stop)
    else:
        say("Postgres: it was already running; it will be left running")
    os.environ["DATABASE_URL"] = postgres.url
    say(f"Postgres: ready, DATABASE_URL={postgres.url}")


def _redis(profile: Profile, stack: ExitStack) -> None:
    if os.environ.get("REDIS_URL"):
        say("Redis: using REDIS_URL from the environment")
        return
    data_dir = profile.redis_dir
    if data_dir is None:
        DATA.mkdir(exist_ok=True)
        data_dir = Path(tempfile.mkdtemp(prefix="test-redis-", dir=DATA))
        stack.callback(shutil.rmtree, data_dir, ignore_errors=True)
    redis = start_redis(profile.redis_port or free_port(), data_dir, profile.persist_redis)
    stack.callback(_announced, "Redis", redis.stop)
    os.environ["REDIS_URL"] = redis.url
    say(f"Redis: embedded server ready, REDIS_URL={redis.url} (data in {_shown(data_dir)})")


def _announced(name: str, stop) -> None:
    say(f"{name}: stopping the embedded server")
    stop()


def _shown(path: Path) -> str:
    """A path relative to the project when it is inside it: shorter to read."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
