"""`python -m syncapp.devstack run` and `python -m syncapp.devstack test [pytest args]`.

run:  migrate, seed the demo, then web + Celery worker + beat in the foreground
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


def commands(port: int, schedule: Path = embedded.DATA / "celerybeat-schedule"
             ) -> dict[str, list[str]]:
    """The product's processes: web on `port`, a Celery worker, and beat."""
    celery = [PYTHON, "-m", "celery", "-A", "syncapp"]
    return {
        "web": [PYTHON, "manage.py", "runserver", f"0.0.0.0:{port}", "--noreload"],
        "worker": [*celery, "worker", "-l", "info", "--concurrency", "2"],
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
    from syncapp.crm.demo import DEMO_PASSWORD, DEMO_USERS  # noqa: PLC0415 - pure data

    url = f"http://localhost:{port}/"
    while not _answers(f"http://127.0.0.1:{port}/accounts/login/"):
        time.sleep(0.2)
    lines = [
        f"Syncapp is up at {url}  (ready in {time.monotonic() - started:.1f} s)",
        f"Demo logins, password “{DEMO_PASSWORD}”:",
        *(f"    {user.email:<28} {user.role}" for user in DEMO_USERS),
        "Ctrl-C stops the web server, worker, beat and the embedded services.",
    ]
    rule = "=" * 72
    say(rule, *lines, rule)


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
