"""Routing, accounts, tokens, rate limits and faults shared by every sandbox."""

import random
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from connectors.sdk.sandbox.limits import Limits, Verdict
from connectors.sdk.sandbox.messages import Request, Response
from connectors.sdk.sandbox.oauth import OAuthProvider
from connectors.sdk.sandbox.webhooks import Delivery, Sent, WebhookFaults, dispatch


def route(method: str, pattern: str, *, auth: bool = True):
    """Mark a Sandbox method as the handler of `METHOD /path/{param}`."""

    def mark(handler):
        handler._route = (method.upper(), pattern, auth)
        return handler

    return mark


def _compile(pattern: str) -> re.Pattern:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
    return re.compile(f"^{regex}$")


Routes = tuple[tuple[str, re.Pattern, bool, str], ...]
_ROUTE_TABLES: dict[type, Routes] = {}


def _route_table(cls: type) -> Routes:
    """(method, path regex, needs a token, handler's name) of a Sandbox class's routes.

    Per class, not per object: a sandbox holds no compiled routes or bound methods,
    so its state pickles (shared by several web processes, see __getstate__). Kept in
    a plain dict (two threads building one class's table build the same table)."""
    table = _ROUTE_TABLES.get(cls)
    if table is None:
        routes = []
        for name in dir(cls):
            spec = getattr(getattr(cls, name), "_route", None)
            if spec:
                method, pattern, auth = spec
                routes.append((method, _compile(pattern), auth, name))
        table = _ROUTE_TABLES[cls] = tuple(routes)
    return table


@dataclass
class SandboxAccount:
    """One account at the vendor: its own login and its own data."""

    id: str
    name: str
    login: str
    password: str
    data: dict = field(default_factory=lambda: defaultdict(dict))  # object -> id -> record


@dataclass
class Faults:
    """Make a share of API calls fail, for tests of retries (never the OAuth pages)."""

    ratio: float = 0.0
    statuses: tuple[int, ...] = (429, 500, 503)
    delay_s: float = 0.0  # a "timeout" is a reply slower than the client waits
    # The share of 504s (gateway timeouts, status 0 included) after which the app did
    # the work all the same: only the reply was lost, so a retried create duplicates.
    done_anyway: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(1))  # noqa: S311 - test faults


AccountT = TypeVar("AccountT", bound=SandboxAccount)


class Sandbox(OAuthProvider, Generic[AccountT]):
    """A vendor's API and pages over its accounts (AccountT: the vendor's own kind of
    account, e.g. a Pipedrive company, so that routes and mixins see its fields)."""

    key = "sandbox"
    name = "Sandbox"
    # How the vendor counts its requests (limits.POLICIES); `rate` says how many.
    rate_policy = "rolling_window"

    def __init__(self, *, rate: tuple[int, float] | None = None, seed: bool = True):
        super().__init__()
        self.lock = threading.RLock()
        self.accounts: dict[str, AccountT] = {}
        # (requests, per seconds) per rate_key (an access token unless the vendor counts
        # per user); None: unlimited. Set it to the vendor's published limit
        # (spec.rate_limit) to meet 429s where the real vendor would answer them.
        self.rate = rate
        # Seconds every API call takes before it is answered, as a vendor far away
        # does; concurrency only pays off against it (bench/http.py sets it).
        self.latency_s = 0.0
        self.faults = Faults()
        self.calls: deque = deque(maxlen=100_000)  # (time, method, path) of API calls
        self.rate_limited_calls = 0  # 429s the limit answered (the bench's 429 share)
        self._limits = Limits(self.rate_policy)
        # Webhook deliveries the last request queued, sent once it is answered
        # (sandbox/webhooks.py), and every attempt sent: (url, attempt, status).
        self.outbox: list[Delivery] = []
        self.webhook_faults = WebhookFaults()
        self.webhooks_sent: Sent = deque(maxlen=10_000)
        self.webhooks_queued = 0
        if seed:
            self.seed()

    # --- pickling: a sandbox's state may live outside the process ------------------------

    def __getstate__(self) -> dict:
        """Everything but the lock, which belongs to one process (a web server with
        several processes keeps the state in Redis: syncapp/integrations/sandbox_state.py)."""
        state = self.__dict__.copy()
        del state["lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.lock = threading.RLock()
        # State pickled before limits.py (a web process's Redis copy) lacks these.
        self.__dict__.setdefault("_limits", Limits(self.rate_policy))
        self.__dict__.setdefault("latency_s", 0.0)
        self.__dict__.setdefault("rate_limited_calls", 0)
        self.__dict__.setdefault("outbox", [])
        self.__dict__.setdefault("webhook_faults", WebhookFaults())
        self.__dict__.setdefault("webhooks_sent", deque(maxlen=10_000))
        self.__dict__.setdefault("webhooks_queued", 0)

    # --- to override ----------------------------------------------------------------

    def seed(self) -> None:
        """Create the sample accounts and records."""

    def error(self, status: int, message: str, **extra) -> Response:
        """An error in the vendor's own body shape."""
        return Response.json({"error": message, **extra}, status)

    def account_for_request(self, request: Request) -> AccountT | None:
        """The account the request's credentials reach; None refuses it. The OAuth
        bearer token, unless the vendor takes other credentials too (Pipedrive's api_token)."""
        return self.account_for_token(request.bearer)

    def unauthorized(self, request: Request) -> Response:
        """The answer to a request without valid credentials, in the vendor's words."""
        return self.error(401, "Unauthorized: the access token is missing, invalid or expired")

    # --- dispatch -----------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            return self._dispatch_request(request)
        finally:
            if not request.inner:  # a batch's parts send theirs once the batch is answered
                self.send_webhooks()

    def send_webhooks(self) -> None:
        """Hand the deliveries queued so far to the background sender."""
        with self.lock:
            queued, self.outbox = self.outbox, []
            self.webhooks_queued += len(queued)
        if queued:
            dispatch(queued, self.webhook_faults, self.webhooks_sent)

    def _dispatch_request(self, request: Request) -> Response:
        oauth = self.handle_oauth(request)
        if oauth is not None:
            return oauth
        for method, regex, auth, name in _route_table(type(self)):
            found = regex.match(request.path)
            if not found or method != request.method:
                continue
            handler = getattr(self, name)
            if not auth:
                return handler(request, **found.groupdict())
            return self._handle_api(request, handler, found.groupdict())
        return self.error(404, f"No route for {request.method} {request.path}")

    def _handle_api(self, request: Request, handler: Callable, params: dict) -> Response:
        account = self.account_for_request(request)
        if account is None:
            return self.unauthorized(request)
        verdict = None if request.inner else self._rate_verdict(self.rate_key(request, account))
        if verdict is not None and not verdict.allowed:
            return self._with_rate_headers(self.rate_limit_response(verdict.retry_after), verdict)
        if self.latency_s and not request.inner:
            time.sleep(self.latency_s)  # outside the lock: calls in flight overlap
        fault = self._fault()
        if fault and not self._done_anyway(fault):
            return fault
        self.calls.append((time.time(), request.method, request.path))
        try:
            with self.lock:
                reply = handler(request, account, **params)
        except (ValueError, KeyError, TypeError) as exc:
            reply = self.error(400, f"Bad request: {exc}")
        return self._with_rate_headers(fault or reply, verdict)

    def _rate_verdict(self, key: str) -> Verdict | None:
        with self.lock:
            if self._limits.rate != self.rate:  # a new limit (or none) starts a fresh count
                self._limits = Limits(self.rate_policy, rate=self.rate)
            if not self.rate:
                return None
            limit, per = self.rate
            verdict = self._limits.check(key, limit, per, time.time())
            if not verdict.allowed:
                self.rate_limited_calls += 1
        return verdict

    def _with_rate_headers(self, response: Response, verdict: Verdict | None) -> Response:
        if verdict is not None:
            for name, value in self.rate_headers(verdict).items():
                response.headers.setdefault(name, value)
        return response

    def rate_key(self, request: Request, account: SandboxAccount) -> str:
        """What the vendor counts requests against: the access token, unless overridden."""
        return request.bearer or ""

    def rate_headers(self, verdict: Verdict) -> dict[str, str]:
        """The vendor's rate-limit headers, sent on every limited API answer."""
        return {}

    def _done_anyway(self, fault: Response) -> bool:
        faults = self.faults
        # No draw unless asked for: the faults others seeded stay the same sequence.
        return (fault.status == 504 and faults.done_anyway > 0
                and faults.rng.random() < faults.done_anyway)

    def rate_limit_response(self, retry_after: int) -> Response:
        response = self.error(429, "Rate limit exceeded")
        response.headers["Retry-After"] = str(retry_after)
        return response

    def _fault(self) -> Response | None:
        faults = self.faults
        if not faults.ratio or faults.rng.random() >= faults.ratio:
            return None
        status = faults.rng.choice(faults.statuses)
        if status == 0:  # a timeout: answer too late to be heard
            time.sleep(faults.delay_s)
            return self.error(504, "Gateway timeout")
        if status == 429:
            return self.rate_limit_response(1)
        return self.error(status, "Internal error (injected)")

    # --- data helpers -------------------------------------------------------------------

    def add_account(self, account: AccountT) -> AccountT:
        self.accounts[account.id] = account
        return account

    def account_by_login(self, login: str, password: str) -> AccountT | None:
        for account in self.accounts.values():
            if account.login.lower() == login.strip().lower() and account.password == password:
                return account
        return None
