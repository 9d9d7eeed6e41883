"""An outcome per item, and a write that stops after an error about the whole connection."""

import threading

import pytest

from connectors.sdk import (
    AppRecord,
    ConnectorError,
    ErrorCategory,
    HttpClient,
    Outcomes,
    per_item,
)
from connectors.sdk.sandbox import Response, Sandbox
from tests.kits.sandbox import sandbox_server


class Things(Sandbox):
    """POST /things writes one thing; a name "bad" is refused, and after `refuse_after`
    writes every request is refused as the connection's own (403, a revoked scope)."""

    def __init__(self, refuse_after: int | None = None):
        super().__init__()
        self.refuse_after = refuse_after
        self.written: list[str] = []
        self.hits = 0
        self.lock = threading.Lock()

    def handle(self, request):
        with self.lock:
            self.hits += 1
            name = request.json()["name"]
            if self.refuse_after is not None and len(self.written) >= self.refuse_after:
                return Response.json({"message": "scope revoked"}, 403)
            if name == "bad":
                return Response.json({"message": "name is not valid"}, 400)
            self.written.append(name)
            return Response.json({"id": str(len(self.written)), "name": name}, 201)


def writer(url: str):
    http = HttpClient(sleep=lambda seconds: None, max_attempts=1)

    def write(ref: str, name: str) -> AppRecord:
        body = http.request("POST", url + "/things", json={"name": name}).body
        return AppRecord(body["id"], {"name": body["name"]})

    return write


def test_a_bad_item_fails_alone_and_the_others_are_written():
    sandbox = Things()
    with sandbox_server(sandbox) as url:
        outcomes = per_item([("a", "Ada"), ("b", "bad"), ("c", "Cy")], writer(url))
    assert [o.ref for o in outcomes] == ["a", "b", "c"]
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error.category is ErrorCategory.INVALID_VALUE
    assert outcomes[2].record.values == {"name": "Cy"}
    assert sandbox.written == ["Ada", "Cy"]


def test_after_a_connection_wide_error_the_rest_carry_it_and_are_never_sent():
    sandbox = Things(refuse_after=1)
    with sandbox_server(sandbox) as url:
        outcomes = per_item([("a", "Ada"), ("b", "Bo"), ("c", "Cy"), ("d", "Di")], writer(url))
    assert outcomes[0].ok and outcomes[0].record.id == "1"  # kept: not written twice
    refused = outcomes[1].error
    assert refused.category is ErrorCategory.PERMISSION_DENIED and refused.connection_wide
    assert [o.error for o in outcomes[2:]] == [refused, refused]
    assert sandbox.hits == 2


def test_several_in_flight_keep_the_order_and_stop_sending_after_the_stop():
    sandbox = Things(refuse_after=3)
    items = [(str(n), f"thing {n}") for n in range(12)]
    with sandbox_server(sandbox) as url:
        outcomes = per_item(items, writer(url), workers=3)
    assert [o.ref for o in outcomes] == [ref for ref, _name in items]
    assert sum(o.ok for o in outcomes) == 3
    assert all(o.error.category is ErrorCategory.PERMISSION_DENIED for o in outcomes if not o.ok)
    assert sandbox.hits <= 3 + 3  # at most one refused request per worker


def test_a_batch_refused_for_the_connection_leaves_its_items_not_attempted():
    book = Outcomes(["a", "b", "c"])
    book.settle(0, AppRecord("1", {}))
    outage = ConnectorError(ErrorCategory.APP_UNAVAILABLE, "down", status=503)
    assert book.stop_on(outage)
    book.attempt(2, lambda: pytest.fail("nothing is sent after the stop"))
    assert [o.ok for o in book.results()] == [True, False, False]
    assert book.results()[2].error is outage


def test_an_item_error_is_refined_but_a_stop_keeps_its_own_words():
    book = Outcomes(["a", "b"])

    def refine(error: ConnectorError) -> ConnectorError:
        return ConnectorError(ErrorCategory.ASSOCIATION_FAILED, "refined")

    def refused():
        raise ConnectorError(ErrorCategory.NOT_FOUND, "gone")

    def rate_limited():
        raise ConnectorError(ErrorCategory.RATE_LIMITED, "slow down")

    book.attempt(0, refused, refine=refine)
    book.attempt(1, rate_limited, refine=refine)
    first, second = book.results()
    assert first.error.category is ErrorCategory.ASSOCIATION_FAILED
    assert second.error.category is ErrorCategory.RATE_LIMITED and book.stopped is second.error


def test_an_item_left_without_an_outcome_is_a_bug_not_a_silent_success():
    book = Outcomes(["a"])
    with pytest.raises(RuntimeError):
        book.results()
