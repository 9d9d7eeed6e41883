"""Writes through sObject Collections: 200 records a request, one outcome per record.

With allOrNone=false Salesforce saves each record on its own and answers one result
per record, in the request's order: `{"id", "success", "errors": [{"statusCode",
"message", "fields"}]}`. A request refused as a whole (a body Salesforce cannot
parse, such as a number field sent text) is retried record by record to find the
culprit; a connection-wide refusal stops the write (connectors/sdk/outcomes.py).
Collections answer only ids, so the written records are read back, 200 a call, for
their SystemModstamp (the stamp the engine knows its own writes by).
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
"""

from collections.abc import Callable, Sequence

from connectors.salesforce.client import RestApi, item_error, unexpected
from connectors.salesforce.reads import read_by_ids
from connectors.sdk import AppRecord, ConnectorError, Field, Outcomes, WriteOutcome

BATCH_MAX = 200
# Deleting a record already gone is what the caller wanted.
_GONE = ("ENTITY_IS_DELETED", "NOT_FOUND")


def _chunks(items: list) -> list[list]:
    return [items[start:start + BATCH_MAX] for start in range(0, len(items), BATCH_MAX)]


def _saved(api: RestApi, object_name: str, fields: dict[str, Field], book: Outcomes,
           written: dict[int, str]) -> None:
    """Settle the items written, with the records as Salesforce now holds them."""
    if not written:
        return
    records = {r.id: r for r in read_by_ids(api, object_name, fields, list(written.values()))}
    for index, record_id in written.items():
        book.settle(index, records.get(record_id) or AppRecord(record_id, {}))


def _write(api: RestApi, object_name: str, fields: dict[str, Field], *, method: str,
           bodies: list[tuple[str, dict]], one: Callable[[dict], str]) -> list[WriteOutcome]:
    book = Outcomes([ref for ref, _body in bodies])
    for chunk in _chunks(list(enumerate(bodies))):
        if book.stopped is not None:
            break
        records = [{"attributes": {"type": object_name}, **body} for _i, (_ref, body) in chunk]
        try:
            results = api.collection(method, records)
        except ConnectorError as exc:
            if book.stop_on(exc):
                break
            _one_by_one(api, object_name, fields, book=book, chunk=chunk, one=one)
            continue
        if not isinstance(results, list) or len(results) != len(chunk):
            raise unexpected("an sObject Collections write", results)
        written = {}
        for (index, _item), result in zip(chunk, results, strict=True):
            if isinstance(result, dict) and result.get("success") and result.get("id"):
                written[index] = str(result["id"])
            else:
                book.settle(index, error=item_error(result if isinstance(result, dict) else {}))
        _saved(api, object_name, fields, book, written)
    return book.results()


def _one_by_one(api, object_name, fields, *, book: Outcomes, chunk, one) -> None:
    written: dict[int, str] = {}
    for index, (_ref, body) in chunk:
        if book.stopped is not None:
            break
        try:
            written[index] = one(body)
        except ConnectorError as exc:
            if not book.stop_on(exc):
                book.settle(index, error=exc)
    _saved(api, object_name, fields, book, written)


def create(api: RestApi, object_name: str, fields: dict[str, Field],
           items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
    """`items`: (ref, Salesforce field values) pairs."""

    def one(body: dict) -> str:
        result = api.create_one(object_name, body)
        if not isinstance(result, dict) or not result.get("id"):
            raise unexpected("a create", result)
        return str(result["id"])

    return _write(api, object_name, fields, method="POST", bodies=list(items), one=one)


def update(api: RestApi, object_name: str, fields: dict[str, Field],
           items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
    """`items`: (Salesforce id, changed values) pairs."""

    def one(body: dict) -> str:
        values = {k: v for k, v in body.items() if k != "id"}
        api.update_one(object_name, body["id"], values)
        return str(body["id"])

    bodies = [(str(record_id), {"id": str(record_id), **values}) for record_id, values in items]
    return _write(api, object_name, fields, method="PATCH", bodies=bodies, one=one)


def delete(api: RestApi, ids: Sequence[str]) -> list[WriteOutcome]:
    """DELETE composite/sobjects?ids=…&allOrNone=false; a record already gone is fine."""
    book = Outcomes([str(i) for i in ids])
    for chunk in _chunks(list(enumerate(str(i) for i in ids))):
        try:
            results = api.collection("DELETE", ids=[record_id for _i, record_id in chunk])
        except ConnectorError as exc:
            if book.stop_on(exc):
                break
            for index, _record_id in chunk:
                book.settle(index, error=exc)
            continue
        if not isinstance(results, list) or len(results) != len(chunk):
            raise unexpected("an sObject Collections delete", results)
        for (index, _record_id), result in zip(chunk, results, strict=True):
            error = None if result.get("success") else item_error(result)
            if error is not None and error.vendor_message.startswith(_GONE):
                error = None
            book.settle(index, error=error)
    return book.results()
