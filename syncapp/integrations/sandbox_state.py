"""Where the sandboxes served under /sandbox/<app>/ keep their state.

A sandbox is one object per app: its accounts and records, OAuth codes and tokens,
and signed-in browser sessions. Under gunicorn several web processes serve it, and
an OAuth code one process issues must be known to the one that exchanges it, so
with SANDBOX_SHARED_STATE the object lives in Redis (`SharedState`): each request
takes the app's Redis lock, loads the pickled sandbox only if another process
stored a newer version than the one this process holds, handles the request, and
stores the sandbox back if it changed. Without it, each process keeps its own
(`LocalState`): enough for one process, and tests reach into that object while the
live server serves it.

`editing(app_key)` is the one way to read or change a sandbox's state outside a
request, whichever store is in use. The pickles are signed with SECRET_KEY: only
this code's own writes are ever unpickled.
"""

import hashlib
import hmac
import inspect
import logging
import pickle
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import redis
from django.conf import settings

import connectors.sdk.sandbox
from connectors.sdk import registry
from connectors.sdk.sandbox import Sandbox
from syncapp.core.queue import UNREACHABLE

log = logging.getLogger(__name__)

# A request holds the app's lock for milliseconds; the TTL only frees it after a
# process died holding it. A request waits this long for the lock, then gets a 503.
LOCK_TTL_S = 60
LOCK_WAIT_S = 10
# The shared copy keeps the last API calls only: the whole log (100,000 calls) would
# be pickled on every request of a long demo.
SHARED_CALLS_KEPT = 1_000
# State nobody changed for this long (an old deployment's, say) leaves Redis.
STATE_TTL_S = 30 * 86_400
_MAC_SIZE = hashlib.sha256().digest_size


class NoSandbox(LookupError):
    """No installed app has a sandbox under this key."""


class SandboxStateUnavailable(Exception):
    """The shared state could not be reached or locked: nothing was changed."""


def sandbox_factory(app_key: str) -> Callable[..., Sandbox]:
    """What makes the app's sandbox (`seed=False`: one without accounts); NoSandbox if
    the app has none."""
    try:
        spec = registry.get(app_key).sandbox
    except LookupError:
        raise NoSandbox(app_key) from None
    if not spec:
        raise NoSandbox(app_key)
    return registry.load(spec)


class LocalState:
    """Each sandbox in this process's memory, created on first use: for one process."""

    def __init__(self):
        self._sandboxes: dict[str, Sandbox] = {}
        self._guard = threading.Lock()

    def sandbox(self, app_key: str) -> Sandbox:
        with self._guard:
            if app_key not in self._sandboxes:
                self._sandboxes[app_key] = sandbox_factory(app_key)()
            return self._sandboxes[app_key]

    @contextmanager
    def editing(self, app_key: str) -> Iterator[Sandbox]:
        # No lock around the request: the sandbox locks its own data, and a fault's
        # delay in one request must not hold up the others (as with a real vendor).
        yield self.sandbox(app_key)

    def reset(self) -> None:
        with self._guard:
            self._sandboxes.clear()


@dataclass
class _Held:
    """This process's copy of a sandbox, and the stored version it was loaded from."""

    version: bytes
    sandbox: Sandbox
    blob: bytes  # its pickle as last loaded or stored: unchanged bytes need no write


class SharedState:
    """Each sandbox pickled in Redis, shared by every process that serves it.

    One instance per process (its `_held` copies are the process's cache); the
    tests make two to play two processes."""

    prefix = "syncapp:sandbox"

    def __init__(self, client: redis.Redis, secret: str):
        self._client = client
        self._key = hashlib.sha256(b"sandbox-state:" + secret.encode()).digest()
        self._held: dict[str, _Held] = {}

    @contextmanager
    def editing(self, app_key: str) -> Iterator[Sandbox]:
        """The app's sandbox, locked for this block and stored back after it if it
        changed; SandboxStateUnavailable if Redis is down or the lock stays taken."""
        keys = _Keys(self.prefix, app_key, code_fingerprint(sandbox_factory(app_key)))
        lock = self._client.lock(keys.lock, timeout=LOCK_TTL_S, blocking_timeout=LOCK_WAIT_S)
        try:
            if not lock.acquire():
                raise SandboxStateUnavailable("The sandbox is busy; try again.")
        except UNREACHABLE as exc:
            raise _unreachable(exc) from exc
        try:
            held = self._reaching(self._load, app_key, keys)
            try:
                yield held.sandbox
            except BaseException:
                self._held.pop(app_key, None)  # maybe half changed: reload next time
                raise
            self._reaching(self._store, app_key, keys, held)
        finally:
            _release(lock)

    def reset(self) -> None:
        """Forget every app's sandbox: the next request starts from the seed data."""
        self._held.clear()
        try:
            stale = list(self._client.scan_iter(f"{self.prefix}:*"))
            if stale:
                self._client.delete(*stale)
        except UNREACHABLE as exc:
            raise _unreachable(exc) from exc

    def _reaching(self, step, app_key: str, *args):
        """`step(app_key, *args)`, Redis being unreachable -> SandboxStateUnavailable."""
        try:
            return step(app_key, *args)
        except UNREACHABLE as exc:
            self._held.pop(app_key, None)
            raise _unreachable(exc) from exc

    def _load(self, app_key: str, keys: "_Keys") -> _Held:
        version = self._client.get(keys.version)
        held = self._held.get(app_key)
        if held is not None and held.version == version:
            return held
        sandbox = self._unpickle(self._client.get(keys.state)) if version else None
        if sandbox is None:  # nothing stored yet, or reset: the seed data
            sandbox = sandbox_factory(app_key)()
            sandbox.calls = deque(sandbox.calls, maxlen=SHARED_CALLS_KEPT)
            held = _Held(b"", sandbox, b"")
        else:  # the bytes of this copy, for the "did it change?" test after the request
            held = _Held(version, sandbox, pickle.dumps(sandbox, pickle.HIGHEST_PROTOCOL))
        self._held[app_key] = held
        return held

    def _store(self, app_key: str, keys: "_Keys", held: _Held) -> None:
        blob = pickle.dumps(held.sandbox, pickle.HIGHEST_PROTOCOL)
        if blob == held.blob:
            return
        version = uuid.uuid4().hex.encode()
        signed = hmac.new(self._key, blob, hashlib.sha256).digest() + blob
        with self._client.pipeline(transaction=True) as pipe:
            pipe.set(keys.state, signed, ex=STATE_TTL_S)
            pipe.set(keys.version, version, ex=STATE_TTL_S)
            pipe.execute()
        self._held[app_key] = _Held(version, held.sandbox, blob)

    def _unpickle(self, signed: bytes | None) -> Sandbox | None:
        if not signed:
            return None
        mac, blob = signed[:_MAC_SIZE], signed[_MAC_SIZE:]
        if not hmac.compare_digest(mac, hmac.new(self._key, blob, hashlib.sha256).digest()):
            log.warning("sandbox state with a wrong signature: starting afresh")
            return None
        try:
            return pickle.loads(blob)  # noqa: S301 - signed by this code, checked above
        except (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError):
            # A sandbox that no longer loads must not keep the demo down: start afresh.
            log.exception("sandbox state that does not unpickle: starting afresh")
            return None


@dataclass(frozen=True)
class _Keys:
    """Redis keys of one app's sandbox. The code's fingerprint is part of them: a
    deployment with other sandbox code starts from fresh seed data rather than
    unpickling objects its classes no longer describe."""

    prefix: str
    app_key: str
    fingerprint: str

    @property
    def lock(self) -> str:
        return f"{self.prefix}:{self.app_key}:{self.fingerprint}:lock"

    @property
    def state(self) -> str:
        return f"{self.prefix}:{self.app_key}:{self.fingerprint}:state"

    @property
    def version(self) -> str:
        return f"{self.prefix}:{self.app_key}:{self.fingerprint}:version"


@cache
def code_fingerprint(factory: Callable[..., Sandbox]) -> str:
    """A hash of the Python files a sandbox's pickled state is made of: its class's
    packages and the SDK's sandbox package."""
    cls = type(factory(seed=False))
    folders = {Path(connectors.sdk.sandbox.__file__).parent}
    folders |= {Path(inspect.getfile(klass)).parent for klass in cls.__mro__
                if klass.__module__.startswith("connectors.")}
    digest = hashlib.sha256()
    for path in sorted(p for folder in folders for p in folder.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _release(lock) -> None:
    try:
        lock.release()
    except redis.exceptions.LockError:
        log.warning("a sandbox lock expired before its request ended", extra={"lock": lock.name})
    except UNREACHABLE:
        pass  # the TTL frees it


def _unreachable(exc: Exception) -> SandboxStateUnavailable:
    log.warning("sandbox state unreachable", extra={"error": str(exc)})
    return SandboxStateUnavailable("The sandbox's state (Redis) is unreachable; try again.")


# --- the store this process uses, chosen by the settings --------------------------------

_stores: dict[tuple, LocalState | SharedState] = {}
_stores_guard = threading.Lock()


def current() -> LocalState | SharedState:
    """This process's store for the current settings (tests may switch them)."""
    shared = settings.SANDBOX_SHARED_STATE
    key = (shared, settings.REDIS_URL if shared else "")
    with _stores_guard:
        if key not in _stores:
            _stores[key] = SharedState(_redis(settings.REDIS_URL), settings.SECRET_KEY) \
                if shared else LocalState()
        return _stores[key]


def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


@contextmanager
def editing(app_key: str) -> Iterator[Sandbox]:
    """The app's sandbox for this block: what is changed in it is what every web
    process serves from then on."""
    with current().editing(app_key) as sandbox:
        yield sandbox


def reset() -> None:
    """Every sandbox back to its seed data (tests start each from there)."""
    current().reset()


def in_process(app_key: str) -> Sandbox:
    """The very object this process serves the app from, for tests that change it
    while the live server serves it (faults, patched methods). Only without shared
    state: a change to a shared sandbox outside `editing` would be lost."""
    store = current()
    if not isinstance(store, LocalState):
        raise RuntimeError("SANDBOX_SHARED_STATE is on: change the sandbox in editing()")
    return store.sandbox(app_key)
