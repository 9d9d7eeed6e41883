"""Batch writes: one outcome per item, in order, and one bad item never fails the rest.

HubSpot's batch endpoints take up to 100 inputs and fail the whole batch with a
400 (or a 409 for a duplicate contact email) when a single input is bad, so a
refused batch is retried item by item to find the culprit. Batch create does not
promise to return results in input order: each input carries an
`objectWriteTraceId` that HubSpot echoes on its result.
https://developers.hubspot.com/docs/api/crm/objects#create-records

Up to CAPABILITIES.concurrent_requests batches are in flight at once (paced by
the connection's shared limiter), so the ten-per-second budget stays full while
each batch takes HubSpot a few hundred milliseconds.

A connection-wide failure (authentication, missing scope, rate limit or outage
after the client's own retries) stops the batch: the items not yet written get
that error, the ones already written keep their ids, so nothing is created twice.
"""

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from connectors.hubspot.client import CATEGORIES, CrmApi, field_of, unexpected
from connectors.hubspot.crm import CAPABILITIES
from connectors.hubspot.values import record_from_object
from connectors.sdk import AppRecord, ConnectorError, ErrorCategory, Field, Outcomes, WriteOutcome

BATCH_MAX = 100

# (index in the caller's list, (caller's ref, HubSpot input body))
Item = tuple[int, tuple[str, dict]]


def _with_field(error: ConnectorError) -> ConnectorError:
    error.field = error.field or field_of(error)
    return error


def _one_by_one(items: list[Item], send: Callable, fields, book: Outcomes) -> None:
    for index, (_ref, body) in items:
        book.attempt(index, partial(_write_one, send, body, fields), refine=_with_field)


def _write_one(send: Callable, body: dict, fields) -> AppRecord:
    response = send(body)
    record = record_from_object(response.body, fields) if isinstance(response.body, dict) \
        else None
    if record is None:
        raise unexpected("a write", response.body)
    return record


def _run(api: CrmApi, items: Sequence[tuple[str, dict]], chunk_handler) -> list[WriteOutcome]:
    """Each chunk of BATCH_MAX through `chunk_handler`, several at once; once the
    book stops on a connection-wide error, chunks not yet started are not sent and
    every item still without an outcome carries that error."""
    book = Outcomes([ref for ref, _body in items])
    indexed = list(enumerate(items))
    chunks = [indexed[start:start + BATCH_MAX] for start in range(0, len(indexed), BATCH_MAX)]

    def send(chunk: list[Item]) -> None:
        if book.stopped is None:
            chunk_handler(chunk, book)  # each chunk settles its own indices

    workers = min(CAPABILITIES.concurrent_requests, len(chunks))
    if workers <= 1:
        for chunk in chunks:
            send(chunk)
    else:
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hubspot-batch")
        with api.http.pinned_auth(), pool:
            list(pool.map(send, chunks))
    return book.results()


def _results(response) -> tuple[list[dict], list[dict]]:
    body = response.body if isinstance(response.body, dict) else {}
    results = [r for r in body.get("results") or [] if isinstance(r, dict)]
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    return results, errors


def create(api: CrmApi, object_name: str, fields: dict[str, Field],
           items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
    """`items`: (ref, {"properties": …, "associations": […]}) pairs."""

    def send_one(body):
        return api.create_one(object_name, body)

    def handle(chunk: list[Item], book: Outcomes) -> None:
        inputs = [{**body, "objectWriteTraceId": str(index)} for index, (_ref, body) in chunk]
        try:
            response = api.batch(object_name, "create", inputs)
        except ConnectorError as exc:
            if not book.stop_on(exc):
                _one_by_one(chunk, send_one, fields, book)
            return
        results, _errors = _results(response)
        by_trace = {str(r.get("objectWriteTraceId")): r for r in results
                    if r.get("objectWriteTraceId") is not None}
        if not by_trace and len(results) == len(chunk):  # no trace ids echoed: input order
            by_trace = {str(index): r for (index, _item), r in zip(chunk, results, strict=True)}
        leftovers = []
        for index, (ref, body) in chunk:
            obj = by_trace.get(str(index))
            record = record_from_object(obj, fields) if obj else None
            if record:
                book.settle(index, record)
            else:
                leftovers.append((index, (ref, body)))
        _one_by_one(leftovers, send_one, fields, book)

    return _run(api, items, handle)


def _error_for(errors: list[dict], object_id: str) -> ConnectorError | None:
    """A 207 multi-status error naming this id in its context."""
    for error in errors:
        context = found if isinstance(found := error.get("context"), dict) else {}
        if object_id in {str(i) for i in context.get("ids") or []}:
            category = CATEGORIES.get(str(error.get("category")), ErrorCategory.UNKNOWN)
            return ConnectorError(category, "HubSpot refused this record in a batch.",
                                  vendor_message=str(error.get("message") or ""), status=207)
    return None


def update(api: CrmApi, object_name: str, fields: dict[str, Field],
           items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
    """`items`: (HubSpot id, {"id": …, "properties": …}) pairs."""

    def send_one(body):
        return api.update_one(object_name, body["id"], {"properties": body["properties"]})

    def handle(chunk: list[Item], book: Outcomes) -> None:
        try:
            response = api.batch(object_name, "update", [body for _i, (_r, body) in chunk])
        except ConnectorError as exc:
            if not book.stop_on(exc):
                _one_by_one(chunk, send_one, fields, book)
            return
        results, errors = _results(response)
        by_id = {str(r.get("id")): r for r in results}
        leftovers = []
        for index, (ref, body) in chunk:
            record = record_from_object(by_id[ref], fields) if ref in by_id else None
            error = None if record else _error_for(errors, ref)
            if record or error:
                book.settle(index, record, error)
            else:
                leftovers.append((index, (ref, body)))
        _one_by_one(leftovers, send_one, fields, book)

    return _run(api, items, handle)


def delete(api: CrmApi, object_name: str, ids: Sequence[str]) -> list[WriteOutcome]:
    """Archive. HubSpot answers 204 for ids it does not have: already gone is fine."""

    def handle(chunk: list[Item], book: Outcomes) -> None:
        try:
            api.batch(object_name, "archive", [body for _i, (_r, body) in chunk])
        except ConnectorError as exc:
            if not book.stop_on(exc):
                for index, (ref, _body) in chunk:
                    book.attempt(index, partial(_archive_one, api, object_name, ref))
            return
        for index, _item in chunk:
            book.settle(index)

    return _run(api, [(str(i), {"id": str(i)}) for i in ids], handle)


def _archive_one(api: CrmApi, object_name: str, object_id: str) -> None:
    try:
        api.http.request("DELETE", api.objects(object_name, f"/{object_id}"))
    except ConnectorError as exc:
        if exc.category is not ErrorCategory.NOT_FOUND:
            raise
