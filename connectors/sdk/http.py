"""The one HTTP client every connector uses.

Deciding what a response means (`classify_status`, overridable per connector)
is kept apart from deciding how long to wait (`Backoff`). Retries are bounded
here, at the request level; the run level retries whole batches later.
"""

import email.utils
import json
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import requests

from connectors.sdk.callmeter import CallEvent, CallMeter
from connectors.sdk.errors import ConnectorError
from connectors.sdk.errors import ErrorCategory as Cat
from connectors.sdk.ratelimit import RateLimiter
from connectors.sdk.usage import ApiUsage, UsageGauge, UsageReader, budget_spent


class Action(StrEnum):
    SUCCEED = "succeed"
    RETRY = "retry"  # transient: back off and try again
    RATE_LIMITED = "rate_limited"  # wait at least Retry-After, then try again
    REFRESH_AND_RETRY = "refresh_and_retry"  # refresh the token once, then try again
    FAIL = "fail"  # retrying cannot help


STATUS_TABLE: dict[int, tuple[Action, Cat]] = {
    400: (Action.FAIL, Cat.INVALID_VALUE),
    401: (Action.REFRESH_AND_RETRY, Cat.AUTH_EXPIRED),
    402: (Action.FAIL, Cat.PERMISSION_DENIED),
    403: (Action.FAIL, Cat.PERMISSION_DENIED),
    404: (Action.FAIL, Cat.NOT_FOUND),
    409: (Action.FAIL, Cat.DUPLICATE),
    410: (Action.FAIL, Cat.NOT_FOUND),
    412: (Action.FAIL, Cat.REJECTED),
    422: (Action.FAIL, Cat.INVALID_VALUE),
    429: (Action.RATE_LIMITED, Cat.RATE_LIMITED),
    500: (Action.RETRY, Cat.APP_UNAVAILABLE),
    502: (Action.RETRY, Cat.APP_UNAVAILABLE),
    503: (Action.RETRY, Cat.APP_UNAVAILABLE),
    504: (Action.RETRY, Cat.APP_UNAVAILABLE),
}


def classify_status(status: int) -> tuple[Action, Cat]:
    if 200 <= status < 300:
        return Action.SUCCEED, Cat.UNKNOWN
    if status in STATUS_TABLE:
        return STATUS_TABLE[status]
    if status >= 500:
        return Action.RETRY, Cat.APP_UNAVAILABLE
    return Action.FAIL, Cat.UNKNOWN


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter; a longer Retry-After always wins."""

    base: float = 0.5
    cap: float = 30.0
    # Longer waits than this are not slept in a worker: the run pauses instead.
    max_sleep: float = 60.0

    def delay(self, attempt: int, retry_after: float | None, rng=random) -> float:
        exponential = min(self.cap, self.base * (2**attempt))
        jittered = rng.uniform(exponential / 2, exponential)
        return max(jittered, retry_after) if retry_after is not None else jittered


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


class Authenticator(Protocol):
    def headers(self) -> dict[str, str]: ...

    def refresh(self, stale_headers: dict[str, str]) -> None: ...


class NoAuth:
    def headers(self) -> dict[str, str]:
        return {}

    def refresh(self, stale_headers: dict[str, str]) -> None:
        return None


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: object  # parsed JSON (None for an empty body)


# A connector may read the vendor's error body to refine the category and keep
# the vendor's message: (status, parsed body or raw text) -> (category, message).
ErrorReader = Callable[[int, object], tuple[Cat | None, str]]


def default_error_reader(status: int, body: object) -> tuple[Cat | None, str]:
    if isinstance(body, dict):
        for key in ("message", "error_description", "error", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return None, value
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return None, value["message"]
    if isinstance(body, str):
        return None, body[:300]
    return None, ""


class HttpClient:
    """Timeouts on every call, bounded retries, a shared rate limit, classified errors;
    `meter`, when given, counts the calls, 429s and retries (for /metrics); `usage_gauge`
    keeps the vendor's daily budget as its replies report it (usage.py), and
    `budget_share` stops the calls once that share of it is spent."""

    def __init__(
        self,
        *,
        auth: Authenticator | None = None,
        limiter: RateLimiter | None = None,
        timeout: tuple[float, float] = (5.0, 30.0),
        max_attempts: int = 5,
        backoff: Backoff | None = None,
        error_reader: ErrorReader = default_error_reader,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        default_headers: dict[str, str] | None = None,
        meter: CallMeter | None = None,
        usage_gauge: UsageGauge | None = None,
        budget_share: float | None = None,
    ):
        self.auth = auth or NoAuth()
        self.limiter = limiter
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff or Backoff()
        self.error_reader = error_reader
        self.session = session or requests.Session()
        self.sleep = sleep
        self.default_headers = {"Accept": "application/json", **(default_headers or {})}
        self._last_auth: dict[str, str] = {}
        self._pinned_auth: dict[str, str] | None = None
        self.meter = meter
        # Set by a connector whose vendor reports its daily budget on each reply.
        self.usage_reader: UsageReader | None = None
        self.usage_gauge = usage_gauge
        self.budget_share = budget_share
        self.usage: ApiUsage | None = None  # the latest reading this client saw

    @contextmanager
    def pinned_auth(self) -> Iterator[None]:
        """Within the block, every request reuses the auth headers read here.

        Requests sent from worker threads (outcomes.per_item, batch writes) then never
        read the token store themselves: the product's store is a database row, and a
        thread would open a connection of its own (and, inside a test's transaction,
        not see the row).
        A token that expires meanwhile is refreshed on its 401, as always."""
        self._pinned_auth = self.auth.headers()
        try:
            yield
        finally:
            self._pinned_auth = None

    def _count(self, event: CallEvent) -> None:
        if self.meter is not None:
            self.meter.count(event)

    def request(self, method: str, url: str, **kwargs) -> Response:
        """Send, retrying what can be retried; return the parsed 2xx response or raise."""
        self._check_budget()
        refreshed = False
        for attempt in range(self.max_attempts):
            outcome = self._attempt(method, url, **kwargs)
            if isinstance(outcome, Response):
                return outcome
            action, error = outcome
            if action is Action.RATE_LIMITED:
                self._count(CallEvent.RATE_LIMITED)
            last_try = attempt == self.max_attempts - 1
            if action is Action.REFRESH_AND_RETRY and not refreshed:
                self.auth.refresh(self._last_auth)
                if self._pinned_auth is not None:
                    self._pinned_auth = self.auth.headers()
                refreshed = True
                self._count(CallEvent.RETRY)
                continue
            if action in (Action.RETRY, Action.RATE_LIMITED) and not last_try:
                wait = self.backoff.delay(attempt, error.retry_after)
                if wait <= self.backoff.max_sleep:
                    self.sleep(wait)
                    self._count(CallEvent.RETRY)
                    continue
            raise error
        raise ConnectorError(Cat.UNKNOWN, "retries exhausted")  # pragma: no cover

    def _check_budget(self) -> None:
        if self.usage_reader is None or self.budget_share is None:
            return
        if self.usage is None and self.usage_gauge is not None:
            self.usage = self.usage_gauge.latest()  # what the last run left
        spent = budget_spent(self.usage, self.budget_share)
        if spent is not None:
            raise spent

    def _note_usage(self, headers) -> None:
        usage = self.usage_reader(headers) if self.usage_reader is not None else None
        if usage is None:
            return
        self.usage = usage
        if self.usage_gauge is not None:
            self.usage_gauge.record(usage)

    def _attempt(self, method: str, url: str, *, headers=None, **kwargs):
        """One try: a Response on success, else (action, ConnectorError)."""
        if self.limiter is not None:
            self.limiter.acquire()
        auth_headers = self._pinned_auth or self.auth.headers()
        self._last_auth = auth_headers
        all_headers = {**self.default_headers, **auth_headers, **(headers or {})}
        self._count(CallEvent.CALL)
        try:
            raw = self.session.request(
                method, url, headers=all_headers, timeout=self.timeout, **kwargs
            )
        except requests.Timeout:
            return Action.RETRY, ConnectorError(
                Cat.APP_UNAVAILABLE, "The app did not answer in time."
            )
        except requests.ConnectionError as exc:
            return Action.RETRY, ConnectorError(
                Cat.APP_UNAVAILABLE, "Could not reach the app.", vendor_message=str(exc)[:300]
            )
        self._note_usage(raw.headers)
        return self._interpret(raw)

    def _interpret(self, raw: requests.Response):
        body, parsed = _parse_body(raw)
        action, category = classify_status(raw.status_code)
        if action is Action.SUCCEED and parsed:
            return Response(raw.status_code, dict(raw.headers), body)
        if action is Action.SUCCEED:
            # A 2xx whose body is not JSON (an HTML error page from a proxy, a
            # truncated reply): the app is not answering properly; try again.
            return Action.RETRY, ConnectorError(
                Cat.APP_UNAVAILABLE,
                "The app answered with something that is not JSON.",
                vendor_message=str(body)[:300],
                status=raw.status_code,
            )
        refined, vendor_message = self.error_reader(raw.status_code, body)
        return action, ConnectorError(
            refined or category,
            f"The app answered HTTP {raw.status_code}.",
            vendor_message=vendor_message,
            status=raw.status_code,
            retry_after=parse_retry_after(raw.headers.get("Retry-After")),
        )


def _parse_body(raw: requests.Response) -> tuple[object, bool]:
    """(body, understood): the parsed JSON (or multipart text), else the text."""
    if not raw.content:
        return None, True
    # A multipart reply (an OData $batch) is a well-formed answer that the
    # connector which asked for it parses itself.
    if raw.headers.get("Content-Type", "").lower().startswith("multipart/"):
        return raw.text, True
    try:
        return json.loads(raw.content), True
    except ValueError:
        return raw.text[:2000], False
