"""The product as docker-compose runs it, without Docker: for the deployed-mode test.

A fresh, empty database (no demo: a real installation starts empty), migrated and
with its static files collected as the image and compose's `migrate` service do,
under the production settings (`syncapp.settings.base`: DEBUG off, whitenoise) with
secrets generated for this run. Then every long-running service of
docker-compose.yml, started with the very command compose resolves for it (gunicorn
with WEB_CONCURRENCY processes, one Celery worker per queue, beat), each a process of
its own in a working directory of its own, as compose's containers are.
Mail goes to files (EMAIL_URL=file://…), so the test reads the links people get.
"""

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import redis
from cryptography.fernet import Fernet

from syncapp.devstack.embedded_redis import free_port
from syncapp.devstack.supervisor import Child, detached, stop_all
from syncapp.settings.env import with_redis_database
from tests.kits.compose import OWN_SECRETS, resolve
from tests.kits.e2e.stack import TUNING, Stack, empty_database, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / "test-artifacts" / "deployed-logs"
# The stack's own Redis database: e2e's stack has 13, test workers 1 to N.
STACK_REDIS_DB = int(os.environ.get("DEPLOYED_REDIS_DB", "15"))
# What `manage.py` gets from the environment that is not the production settings' own.
TEST_ONLY_PREFIXES = ("PYTEST", "SYNCAPP_TEST")
SETTINGS_CHOSEN_HERE = ("SECRET_KEY", "ENCRYPTION_KEY", "DEBUG", "SYNCAPP_DEMO",
                        "EMAIL_BACKEND", "EMAIL_FILE_PATH", "EMAIL_URL", "STATIC_ROOT",
                        "EXPORT_ROOT", "ALLOWED_HOSTS", "WEB_CONCURRENCY")


ONE_OFF = {"migrate"}  # run by the fixture itself, before the services start
IMAGES = {"postgres", "redis"}  # this machine's own Postgres and Redis stand in for them
# What a command names, as the image's PATH finds it, and as this test finds it.
PROGRAMS = {"gunicorn": [sys.executable, "-m", "gunicorn"],
            "celery": [sys.executable, "-m", "celery"],
            "python": [sys.executable]}


def commands(compose: dict, port: int, schedule: Path) -> dict[str, list[str]]:
    """The long-running services of the resolved docker-compose.yml, each with its own
    command: only the program's path, web's bind address and beat's schedule file
    differ from what the containers run."""
    found = {}
    for name, service in compose["services"].items():
        if name in ONE_OFF | IMAGES:
            continue
        program, *args = service["command"]
        args = [f"127.0.0.1:{port}" if arg == "0.0.0.0:8000" else arg for arg in args]
        if "-s" in args:
            args[args.index("-s") + 1] = str(schedule)
        found[name] = [*PROGRAMS[program], *args]
    return found


def web_processes(compose: dict) -> int:
    """gunicorn's WEB_CONCURRENCY, as compose sets it for web."""
    return int(compose["services"]["web"]["environment"]["WEB_CONCURRENCY"])


def production_env(database_url: str, redis_url: str, site_url: str, folder: Path) -> dict:
    """Compose's environment (x-app in docker-compose.yml) for a plain-http trial on
    this machine, with secrets of this run's own and the test's speed-ups."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(TEST_ONLY_PREFIXES) and key not in SETTINGS_CHOSEN_HERE}
    env.update(TUNING)
    env.update({
        "DJANGO_SETTINGS_MODULE": "syncapp.settings.base", "PYTHONUNBUFFERED": "1",
        # As the image's PYTHONPATH=/app: the code of this checkout, whatever the cwd.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": database_url, "REDIS_URL": redis_url,
        "EMAIL_URL": f"file://{folder / 'mail'}",
        "ALLOWED_HOSTS": "localhost,127.0.0.1", "SITE_URL": site_url,
        # As compose's http://web:8000: the processes call the sandboxes by another
        # name than the browser does, so neither may lean on the other's address.
        "SANDBOX_INTERNAL_URL": site_url.replace("localhost", "127.0.0.1"),
        "SECURE_COOKIES": "false", "BEHIND_PROXY": "false",
        "EXPORT_ROOT": str(folder / "exports"),  # compose's shared exports volume
        "STATIC_ROOT": str(folder / "static"),  # the image's collected files
        "SANDBOXES_ENABLED": "true",
    })
    return env


def manage(env: dict, log: Path, *args: str) -> str:
    """Run `manage.py` as compose's one-off containers do; returns what it printed."""
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    with log.open("a") as out:
        out.write(f"$ manage.py {' '.join(args)}\n{done.stdout}{done.stderr}")
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: see {log}")
    return done.stdout


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def deployed_stack(server_url: str, redis_url: str, name: str) -> Iterator[tuple[Stack, dict]]:
    """(the running stack, its environment, for one-off manage.py commands)."""
    folder = LOGS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    database = urlsplit(server_url).path.lstrip("/") + "_deployed"
    database_url = empty_database(server_url, database)
    stack_redis = with_redis_database(redis_url, STACK_REDIS_DB)
    redis.Redis.from_url(stack_redis).flushdb()
    port = free_port()
    compose = resolve(_made(folder / "compose"), OWN_SECRETS)
    env = production_env(database_url, stack_redis, f"http://localhost:{port}", folder)
    env["WEB_CONCURRENCY"] = str(web_processes(compose))
    manage(env, folder / "setup.log", "migrate", "--noinput")
    manage(env, folder / "setup.log", "collectstatic", "--noinput")
    children = []
    try:
        schedule = folder / "beat" / "celerybeat-schedule"
        for process, argv in commands(compose, port, schedule).items():
            cwd = folder / process
            cwd.mkdir()
            out = (folder / f"{process}.log").open("wb")
            children.append(Child(process, detached(argv, cwd=cwd, env=env, stdout=out,
                                                    stderr=subprocess.STDOUT)))
        stack = Stack(f"http://localhost:{port}", database_url, folder, children)
        stack.web_processes = web_processes(compose)
        wait_until_healthy(stack)
        yield stack, env
    finally:
        stop_all(children, grace_s=10)
