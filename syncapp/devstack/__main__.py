"""`python -m syncapp.devstack run` and `python -m syncapp.devstack test [pytest args]`.

run:  migrate, seed the demo, then web + a Celery worker per queue + beat in the foreground
      until Ctrl-C (or until one of them dies, which stops the rest: exit 1).
test: pytest against the same kind of services; exits with pytest's code,
      treating "no tests collected" (5) as a failure.
"""

import argparse
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from syncapp.core import queues
from syncapp.devstack import embedded
from syncapp.devstack.embedded_redis import port_in_use
from syncapp.devstack.errors import DevstackError
from syncapp.devstack.supervisor import (
    interrupt_on_terminate,
    run_foreground,
    say,
    start_all,
    stop_all,
    wait_any,
)

PYTHON = sys.executable
NO_TESTS_COLLECTED = 5


def _configure(settings: str) -> None:
    # Forced, not setdefault: importing syncapp already defaulted it to base.
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ["PYTHONUNBUFFERED"] = "1"


def _manage(*args: str) -> None:
    result = subprocess.run([PYTHON, "manage.py", *args], check=False)
    if result.returncode != 0:
        raise DevstackError(f"manage.py {' '.join(args)} failed (exit {result.returncode}).")


def bind_address() -> str:
    """Where the web server listens: this machine only, unless BIND says otherwise
    (BIND=0.0.0.0 opens the DEBUG server, and its debug pages, to the network)."""
    return os.environ.get("BIND") or "127.0.0.1"


def commands(port: int, schedule: Path = embedded.DATA / "celerybeat-schedule"
             ) -> dict[str, list[str]]:
    """The product's processes: web on `port`, a Celery worker for each queue (sized
    in syncapp/core/queues.py: sync 3, export 2, preview and notify 1), and beat."""
    celery = [PYTHON, "-m", "celery", "-A", "syncapp"]
    return {
        "web": [PYTHON, "manage.py", "runserver", f"{bind_address()}:{port}", "--noreload"],
        **{f"worker-{kind}": [*celery, *queues.worker_args(kind)] for kind in queues.KINDS},
        "beat": [*celery, "beat", "-l", "info", "-s", str(schedule)],
    }


def run() -> int:
    started = time.monotonic()
    _configure("syncapp.settings.dev")
    os.chdir(embedded.ROOT)
    port = int(os.environ.get("PORT") or 8000)
    if port_in_use(port):
        raise DevstackError(f"port {port} is already in use: stop that server or set PORT.")
    embedded.DATA.mkdir(exist_ok=True)
    # Workers reach the sandboxes through the web server, at this address.
    os.environ.setdefault("SITE_URL", f"http://localhost:{port}")
    with embedded.services(embedded.RUN):
        _manage("migrate", "--noinput")
        _manage("seed_demo")
        children = start_all(commands(port), os.environ)
        threading.Thread(target=_announce, args=(port, started), daemon=True).start()
        try:
            ended = wait_any(children)
            say(f"{ended.name} exited (code {ended.process.returncode}): stopping everything")
            return 1
        except KeyboardInterrupt:
            say("interrupted: stopping everything")
            return 0
        finally:
            stop_all(children)


def _announce(port: int, started: float) -> None:
    """Print the address and logins once the web server answers a request."""
    while not _answers(f"http://{_probe_host()}:{port}/healthz"):
        time.sleep(0.2)
    rule = "=" * 72
    say(rule, *ready_banner(time.monotonic() - started), rule)


def ready_banner(seconds: float) -> list[str]:
    """Where to open Syncapp, and the demo logins."""
    from syncapp.crm.demo import DEMO_PASSWORD, DEMO_USERS  # noqa: PLC0415 - pure data

    # Exactly SITE_URL: the address OAuth vendors send people back to, where their
    # session cookie lives (any other host name redirects there).
    url = os.environ["SITE_URL"].rstrip("/") + "/"
    return [
        f"Syncapp is up at {url}  (ready in {seconds:.1f} s)",
        f"Demo logins, password “{DEMO_PASSWORD}”:",
        *(f"    {user.email:<28} {user.role}" for user in DEMO_USERS),
        "Ctrl-C stops the web server, workers, beat and the embedded services.",
    ]


def _probe_host() -> str:
    host = bind_address()
    return "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104 - a comparison


def _answers(url: str) -> bool:
    """Any HTTP response counts (even a 500): the server is accepting requests."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own localhost URL
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def test(pytest_args: list[str]) -> int:
    _configure("syncapp.settings.test")
    os.chdir(embedded.ROOT)
    with embedded.services(embedded.TEST):
        code = run_foreground([PYTHON, "-m", "pytest", *pytest_args], os.environ)
    if code == NO_TESTS_COLLECTED:
        say("pytest collected no tests: counted as a failure")
        return 1
    return code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m syncapp.devstack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("run", "test"))
    # Everything after the command, options included, is pytest's.
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="test only")
    args = parser.parse_args(argv)
    if args.command == "run" and args.pytest_args:
        parser.error("run takes no arguments (the port comes from $PORT)")
    interrupt_on_terminate()
    try:
        if args.command == "run":
            return run()
        return test(args.pytest_args)
    except DevstackError as exc:
        say(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        say("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
