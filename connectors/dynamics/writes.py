"""Creates, updates and deletes, many per $batch, one outcome per item.

Quirks handled here:
- PATCH on a missing id would *create* the row (an upsert); `If-Match: *` makes
  it an update only, answered 404 when the row is gone. With the row's ETag as
  read instead (`If-Match: W/"1234"`), a row changed since is answered 412 and
  left as it is (optimistic concurrency): CHANGED_SINCE_READ, planned again.
  https://learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api
- `Prefer: return=representation` returns the written row, with the
  server-set id and modifiedon, so no second read is needed.
- A $batch the service refuses as a whole (not for the connection's sake) is
  sent again one request at a time, so one bad item cannot fail the others.
- A connection-wide failure stops the write (sdk/outcomes.py): the rows already
  written keep their outcomes and the rest carry that error, so no row is created
  twice when the run resumes.
"""

import re
from collections.abc import Mapping, Sequence

from connectors.dynamics.batch import Operation, PartResponse, decode, encode
from connectors.dynamics.client import (
    error_parts,
    error_reader,
    etag_of,
    headers,
    is_guid,
    query,
)
from connectors.dynamics.entities import CAPABILITIES, Entity
from connectors.dynamics.values import from_vendor, parse_time, to_vendor
from connectors.sdk import AppRecord, ConnectorError, Field, Outcomes, WriteOutcome
from connectors.sdk import ErrorCategory as Cat
from connectors.sdk.http import classify_status

BATCH_SIZE = CAPABILITIES.batch_size
RETURN_ROW = {"Prefer": "return=representation"}
EXISTING_ONLY = {"If-Match": "*"}

Result = PartResponse | ConnectorError


def create(conn, entity: Entity, items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
    fields = _fields(conn, entity)
    url = f"{conn.web_api()}/{entity.set_name}" + query(
        select=conn.select_columns(entity, list(fields.values())))
    return _write(conn, entity, fields, [
        (ref, values, Operation("POST", url, to_vendor(fields, values), dict(RETURN_ROW)))
        for ref, values in items
    ])


def update(conn, entity: Entity, items: Sequence[tuple[str, dict]],
           versions: Mapping[str, str]) -> list[WriteOutcome]:
    """PATCH each row; one with a version (its ETag as read) only if it still has it."""
    fields = _fields(conn, entity)
    select = query(select=conn.select_columns(entity, list(fields.values())))
    outcomes = _write(conn, entity, fields, [
        (app_id, values, Operation(
            "PATCH", f"{conn.web_api()}/{entity.set_name}({app_id}){select}",
            to_vendor(fields, values),
            {**RETURN_ROW, **EXISTING_ONLY, **_precondition(versions.get(app_id))},
        ) if is_guid(app_id) else None)
        for app_id, values in items
    ])
    return [_changed_since_read(o) if o.ref in versions else o for o in outcomes]


def _precondition(version: str | None) -> dict[str, str]:
    return {"If-Match": version} if version else {}


def _changed_since_read(outcome: WriteOutcome) -> WriteOutcome:
    """A 412 to a PATCH sent with the row's ETag can only mean the row changed since it
    was read, whatever the code (Microsoft's own example shows an empty one)."""
    error = outcome.error
    if error is None or error.status != 412 or error.category == Cat.CHANGED_SINCE_READ:
        return outcome
    return WriteOutcome(outcome.ref, error=ConnectorError(
        Cat.CHANGED_SINCE_READ, error.message, vendor_message=error.vendor_message,
        status=error.status))


def delete(conn, entity: Entity, ids: Sequence[str]) -> list[WriteOutcome]:
    book = Outcomes(ids)
    planned = []
    for index, app_id in enumerate(ids):
        if is_guid(app_id):
            url = f"{conn.web_api()}/{entity.set_name}({app_id})"
            planned.append((index, Operation("DELETE", url)))
        else:  # no such row can exist: it is as good as deleted
            book.settle(index)
    for index, result in run(conn, planned, book):
        gone = isinstance(result, PartResponse) and result.status == 404
        ok = isinstance(result, PartResponse) and (result.status < 300 or gone)
        # Deleting a row that is already gone leaves the app as asked.
        book.settle(index, error=None if ok else failure(result))
    return book.results()


def _fields(conn, entity: Entity) -> dict[str, Field]:
    return {f.name: f for f in conn.fields(entity.set_name)}


def _write(conn, entity, fields, planned: list[tuple[str, dict, Operation | None]]):
    book = Outcomes([ref for ref, _values, _operation in planned])
    operations = []
    for index, (_ref, values, operation) in enumerate(planned):
        problem = _local_problem(fields, values, operation)
        if operation is not None and problem is None:
            operations.append((index, operation))
        else:
            book.settle(index, error=problem)
    for index, result in run(conn, operations, book):
        ref = planned[index][0]
        if isinstance(result, PartResponse) and result.status < 300:
            book.settle(index, _written(entity, fields, result, ref))
        else:
            book.settle(index, error=failure(result))
    return book.results()


def _local_problem(fields: dict[str, Field], values: dict, op: Operation | None):
    """Refusals we can tell without asking: read-only columns, impossible ids."""
    if op is None:
        return ConnectorError(Cat.NOT_FOUND, "No Dynamics 365 row has this id.")
    for name in values:
        f = fields.get(name)
        if f is not None and f.read_only:
            return ConnectorError(Cat.READ_ONLY, f"{f.label} is read-only in Dynamics 365.",
                                  field=name)
    return None


def _written(entity: Entity, fields: dict[str, Field], result: PartResponse,
             ref: str) -> AppRecord:
    row = result.body if isinstance(result.body, dict) else {}
    app_id = row.get(entity.primary_id) or _id_from_header(result.headers) or ref
    return AppRecord(id=str(app_id).lower(), values=from_vendor(fields.values(), row),
                     modified_at=parse_time(row.get("modifiedon")), version=etag_of(row))


_ENTITY_ID = re.compile(r"\(([0-9a-fA-F-]{36})\)\s*$")


def _id_from_header(part_headers: dict[str, str]) -> str | None:
    found = _ENTITY_ID.search(part_headers.get("odata-entityid", ""))
    return found.group(1) if found else None


def run(conn, operations: list[tuple[int, Operation]],
        book: Outcomes) -> list[tuple[int, Result]]:
    """Send operations in $batch requests; (index, response or error) for each one
    sent. After a connection-wide error `book` stops and the rest are not sent."""
    results: list[tuple[int, Result]] = []
    for start in range(0, len(operations), BATCH_SIZE):
        if book.stopped is None:
            results.extend(_run_batch(conn, operations[start:start + BATCH_SIZE], book))
    return results


def _run_batch(conn, chunk: list[tuple[int, Operation]],
               book: Outcomes) -> list[tuple[int, Result]]:
    content_type, body = encode([op for _, op in chunk])
    try:
        reply = conn.http.request(
            "POST", f"{conn.web_api()}/$batch", data=body.encode("utf-8"),
            headers=headers("odata.continue-on-error", extra={"Content-Type": content_type}))
        parts = decode(_header(reply.headers, "Content-Type"), reply.body)
    except ConnectorError as exc:
        if book.stop_on(exc):
            return []
        parts = []  # refused as a whole: isolate the culprit below
    answered = list(zip(chunk, parts, strict=False))
    results: list[tuple[int, Result]] = [(index, part) for (index, _op), part in answered]
    for index, op in chunk[len(answered):]:
        result = _single(conn, op, book) if book.stopped is None else None
        if result is not None:
            results.append((index, result))
    return results


def _single(conn, op: Operation, book: Outcomes) -> Result | None:
    """The one operation's response or error; None when its error stopped `book`."""
    try:
        reply = conn.http.request(op.method, op.url, json=op.body,
                                  headers=headers(extra=op.headers))
    except ConnectorError as exc:
        return None if book.stop_on(exc) else exc
    return PartResponse(reply.status, {k.lower(): v for k, v in reply.headers.items()},
                        reply.body)


def _header(all_headers: dict[str, str], name: str) -> str:
    return next((v for k, v in all_headers.items() if k.lower() == name.lower()), "")


_FIELD_IN_MESSAGE = re.compile(r"(?:property named|length of the|of) '(\w+)'")


def failure(result: Result) -> ConnectorError:
    """The classified error of one failed part, with Dataverse's own message."""
    if isinstance(result, ConnectorError):
        return result
    _action, category = classify_status(result.status)
    refined, message = error_reader(result.status, result.body)
    found = _FIELD_IN_MESSAGE.search(error_parts(result.body)[1])
    return ConnectorError(
        refined or category, f"The app answered HTTP {result.status}.",
        vendor_message=message, status=result.status,
        retry_after=_retry_after(result.headers), field=found.group(1) if found else None,
    )


def _retry_after(part_headers: dict[str, str]) -> float | None:
    try:
        return float(part_headers["retry-after"])
    except (KeyError, ValueError):
        return None
