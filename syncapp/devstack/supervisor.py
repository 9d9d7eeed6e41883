"""Running several processes as one program: prefixed output, one Ctrl-C stops all.

Each child runs in its own session, so the terminal's Ctrl-C reaches only this
process, which then stops the children in an orderly way (SIGTERM, a grace
period, then SIGKILL of the child's whole process group so no Celery pool
process is left behind). On Linux a child also gets SIGTERM if we die
without cleaning up (kill -9), so nothing outlives the devstack.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

_PRINT_LOCK = threading.Lock()
_PR_SET_PDEATHSIG = 1
# Loaded before any fork: the child must not dlopen between fork and exec.
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None


def say(*lines: str, prefix: str = "devstack") -> None:
    """Print lines together, never interleaved with children's relayed output."""
    with _PRINT_LOCK:
        sys.stdout.writelines(f"[{prefix}] {line.rstrip()}\n" for line in lines)
        sys.stdout.flush()


def die_with_parent() -> None:
    """preexec_fn: ask the kernel to SIGTERM this child when the devstack dies."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def detached(argv: Sequence[str], **kwargs) -> subprocess.Popen:
    """Start a child in its own session that dies with us."""
    return subprocess.Popen(
        list(argv), stdin=subprocess.DEVNULL, start_new_session=True,
        preexec_fn=die_with_parent,  # noqa: PLW1509 - only prctl, and no thread forks
        **kwargs,
    )


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    pump: threading.Thread | None = None


def start_all(commands: Mapping[str, Sequence[str]], env: Mapping[str, str]) -> list[Child]:
    """Start every command, then relay their output; prefixes are the names."""
    width = max(len(name) for name in commands)
    children = [
        Child(name, detached(argv, env=dict(env), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT))
        for name, argv in commands.items()
    ]
    # Threads start only after every fork, so preexec_fn never races a thread.
    for child in children:
        prefix = child.name.ljust(width)
        child.pump = threading.Thread(target=_relay, args=(child.process, prefix), daemon=True)
        child.pump.start()
    return children


def _relay(process: subprocess.Popen, prefix: str) -> None:
    for raw in iter(process.stdout.readline, b""):
        say(raw.decode("utf-8", "replace"), prefix=prefix)


def wait_any(children: Sequence[Child], poll_s: float = 0.2) -> Child:
    """Block until one child exits and return it (KeyboardInterrupt passes through)."""
    while True:
        for child in children:
            if child.process.poll() is not None:
                return child
        time.sleep(poll_s)


def stop_all(children: Sequence[Child], grace_s: float = 15.0) -> None:
    """SIGTERM every child, wait `grace_s`, then SIGKILL what is left of each group.

    A second Ctrl-C skips the wait.
    """
    for child in children:
        if child.process.poll() is None:
            say(f"stopping {child.name} (pid {child.process.pid})")
            child.process.terminate()
    deadline = time.monotonic() + grace_s
    try:
        for child in children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(max(0.0, deadline - time.monotonic()))
    except KeyboardInterrupt:
        say("second interrupt: killing")
    for child in children:
        # The group id is the child's pid (own session); this also reaps
        # grandchildren such as Celery's pool processes.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, signal.SIGKILL)
        child.process.wait()
        if child.pump is not None:
            child.pump.join(timeout=2)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def interrupt_on_terminate() -> None:
    """SIGTERM and SIGHUP behave like Ctrl-C, so `finally` blocks always run."""
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)


@contextlib.contextmanager
def signals_ignored() -> Iterator[None]:
    """Let a shutdown finish: Ctrl-C or SIGTERM during it would leave services running."""
    saved = {sig: signal.signal(sig, signal.SIG_IGN)
             for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def run_foreground(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """Run a command in our process group (it keeps the terminal, e.g. for --pdb).

    The terminal's Ctrl-C reaches it directly, so we only wait; a SIGTERM sent
    to us alone is passed on as SIGINT so it can still report and clean up.
    """
    process = subprocess.Popen(list(argv), env=dict(env))
    previous = {
        signal.SIGINT: signal.signal(signal.SIGINT, signal.SIG_IGN),
        signal.SIGTERM: signal.signal(
            signal.SIGTERM, lambda signum, frame: process.send_signal(signal.SIGINT)
        ),
    }
    try:
        return process.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
