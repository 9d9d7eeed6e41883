"""Webhooks a sandbox sends, as vendors send them: late, twice, out of order, or never.

A sandbox queues a `Delivery` when a record changes (`Sandbox.outbox`, part of its
state, so it pickles with it); after each request the outbox goes to `dispatch`,
which POSTs every delivery from a thread of its own, as a vendor's delivery service
does, never inside the request that made the change. A delivery the receiver does
not answer with a 2xx (or within `timeout_s`) is sent again after each of
`retry_delays_s`, its attempt number stamped into the body (into each event of a body
that is a list), unless the answer is one the vendor never retries
(`final_statuses`); a vendor that signs its requests gives each attempt its headers
(`sign`, over that attempt's body). `WebhookFaults` make the
sandbox behave like a vendor on a bad day: drop a share of deliveries, send a share
twice, hold a share back so that later ones overtake it.
"""

import base64
import json
import logging
import random
import threading
import time
from collections.abc import Callable, MutableSequence
from dataclasses import dataclass, field

import requests

log = logging.getLogger(__name__)
# Every attempt sent: (url, attempt, HTTP status, 0: no answer, or "dropped").
Sent = MutableSequence[tuple[str, int, int | str]]


@dataclass
class Delivery:
    url: str
    payload: dict | list  # a list of events where the vendor batches them (HubSpot)
    basic_auth: tuple[str, str] | None = None
    # Where the body says which attempt this is (Pipedrive: meta.attempt); in a body
    # that is a list of events (HubSpot), the key of each event.
    attempt_at: tuple[str, ...] = ()
    first_attempt: int = 1  # what the vendor calls its first attempt (HubSpot: 0)
    # Headers that sign one attempt: (url, body) -> headers (a picklable callable).
    sign: Callable[[str, bytes], dict[str, str]] | None = None
    # Answers after which the vendor gives up at once (HubSpot: 400, 401, 403, 404, 405).
    final_statuses: frozenset[int] = frozenset()
    headers: dict[str, str] = field(default_factory=dict)  # sent with every attempt


@dataclass
class WebhookFaults:
    drop: float = 0.0  # share of deliveries never sent (the poll must catch up)
    duplicate: float = 0.0  # share sent twice
    reorder: float = 0.0  # share held back `hold_s`, so that later ones arrive first
    hold_s: float = 0.5
    # The vendor's schedule of retries after a failed attempt (tests shorten it).
    retry_delays_s: tuple[float, ...] = (3.0, 30.0, 150.0)
    timeout_s: float = 10.0
    rng: random.Random = field(default_factory=lambda: random.Random(7))  # noqa: S311 - test faults


def dispatch(deliveries: list[Delivery], faults: WebhookFaults, sent: Sent) -> None:
    """Send `deliveries` in the background; each attempt's (url, attempt, status) is
    appended to `sent` (status 0: no answer)."""
    for delivery in deliveries:
        draw = faults.rng.random()
        if draw < faults.drop:
            sent.append((delivery.url, 0, "dropped"))
            continue
        hold = faults.hold_s if faults.rng.random() < faults.reorder else 0.0
        copies = 2 if faults.rng.random() < faults.duplicate else 1
        for _copy in range(copies):
            threading.Thread(target=_deliver, args=(delivery, faults, hold, sent),
                             name="sandbox-webhook", daemon=True).start()


def _deliver(delivery: Delivery, faults: WebhookFaults, hold: float, sent: Sent) -> None:
    if hold:
        time.sleep(hold)
    waits = (0.0, *faults.retry_delays_s)
    for attempt, wait in enumerate(waits, start=1):
        time.sleep(wait)
        status = _post(delivery, attempt, faults.timeout_s)
        sent.append((delivery.url, attempt, status))
        if 200 <= status < 300 or status in delivery.final_statuses:
            return


def _stamped(delivery: Delivery, attempt: int) -> bytes:
    """The body of one attempt, its attempt number written where the vendor writes it."""
    payload = json.loads(json.dumps(delivery.payload))  # each attempt its own body
    number = delivery.first_attempt + attempt - 1
    for item in payload if isinstance(payload, list) else [payload]:
        target = item
        for key in delivery.attempt_at[:-1]:
            target = target[key]
        if delivery.attempt_at:
            target[delivery.attempt_at[-1]] = number
    return json.dumps(payload).encode()


def _post(delivery: Delivery, attempt: int, timeout_s: float) -> int:
    body = _stamped(delivery, attempt)
    headers = {"Content-Type": "application/json", **delivery.headers}
    if delivery.basic_auth:
        pair = ":".join(delivery.basic_auth).encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    if delivery.sign is not None:
        headers.update(delivery.sign(delivery.url, body))
    try:
        return requests.post(delivery.url, data=body, headers=headers,
                             timeout=timeout_s, allow_redirects=False).status_code
    except requests.RequestException as exc:
        log.info("sandbox webhook not delivered", extra={"url": delivery.url,
                                                         "error": str(exc)})
        return 0
