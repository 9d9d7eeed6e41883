"""Writes of up to 100 records a request, with an outcome per record.

`POST /crm/v8/{module}` (create) and `PUT /crm/v8/{module}` (update, each record
with its `id`) take `{"data": [...]}`; `DELETE /crm/v8/{module}?ids=…` takes 100
ids. Zoho answers each record in `data[i]` (`status`, `code`, `message`,
`details`): 201/200 when all succeeded, 207 when some failed. When every record
fails Zoho answers 400 for the whole request, so those records are sent again one
by one for their own outcomes; a connection-wide error stops the write
(connectors/sdk/outcomes.py).
https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html
"""

from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

from connectors.sdk.errors import ConnectorError
from connectors.sdk.outcomes import Outcomes
from connectors.sdk.records import AppRecord, WriteOutcome
from connectors.sdk.spec import Field, FieldType
from connectors.zoho.client import ZohoApi, item_error, malformed
from connectors.zoho.values import from_zoho, parse_time, write_body

BATCH = 100
# What a record created without it gets, where Zoho makes a field mandatory that no
# hub property maps to: a deal's stage (the hub's stages are not Zoho's).
CREATE_DEFAULTS = {"Deals": {"Stage": "Qualification"}}


class WritesMixin:
    """Create, update and delete for ZohoConnector (which provides fields and _api)."""

    if TYPE_CHECKING:
        def fields(self, object_name: str) -> tuple[Field, ...]: ...

        def _api(self, name: str) -> ZohoApi: ...

    def create(self, object_name: str, items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
        known = {f.name: f for f in self.fields(object_name)}
        defaults = CREATE_DEFAULTS.get(object_name, {})
        bodies = [write_body({**defaults, **values}, known) for _ref, values in items]
        return self._write("POST", object_name, [ref for ref, _ in items], bodies)

    def update(self, object_name: str, items: Sequence[tuple[str, dict]],
               versions: Mapping[str, str] | None = None) -> list[WriteOutcome]:
        known = {f.name: f for f in self.fields(object_name)}
        bodies = [{"id": str(app_id), **write_body(values, known)} for app_id, values in items]
        return self._write("PUT", object_name, [app_id for app_id, _ in items], bodies)

    def delete(self, object_name: str, ids: Sequence[str]) -> list[WriteOutcome]:
        book = Outcomes(ids)
        api = self._api("records")

        def send(chunk: list[str]) -> dict:
            return api.call("DELETE", f"/{object_name}",
                            params={"ids": ",".join(chunk), "wf_trigger": "false"})

        def one(app_id: str) -> AppRecord | None:
            error = item_error(_only(send([app_id]), "DELETE"))
            if error is not None:
                raise error
            return None

        for start in range(0, len(ids), BATCH):
            chunk = [str(i) for i in ids[start:start + BATCH]]
            if book.stopped:
                break
            try:
                body = send(chunk)
            except ConnectorError as exc:
                if book.stop_on(exc):
                    break
                for offset, app_id in enumerate(chunk):  # every id failed: each alone
                    book.attempt(start + offset, partial(one, app_id))
                continue
            self._settle(book, start, chunk, body, deleting=True)
        return book.results()

    def _write(self, method: str, object_name: str, refs: list[str],
               bodies: list[dict]) -> list[WriteOutcome]:
        book = Outcomes(refs)
        api = self._api("records")
        for start in range(0, len(bodies), BATCH):
            if book.stopped:
                break
            chunk = bodies[start:start + BATCH]
            try:
                body = api.call(method, f"/{object_name}", json={"data": chunk, "trigger": []})
            except ConnectorError as exc:
                if book.stop_on(exc):
                    break
                # Every record failed (400): each again alone, for its own outcome.
                for offset, one in enumerate(chunk):
                    book.attempt(start + offset, partial(self._one, api, method, object_name, one))
                continue
            self._settle(book, start, chunk, body)
        return book.results()

    def _one(self, api: ZohoApi, method: str, object_name: str, one: dict) -> AppRecord:
        item = _only(api.call(method, f"/{object_name}", json={"data": [one], "trigger": []}),
                     method)
        error = item_error(item)
        if error is not None:
            raise error
        return _written(item, one)

    def _settle(self, book: Outcomes, start: int, chunk: list, body: dict,
                deleting: bool = False) -> None:
        items = body.get("data")
        if not isinstance(items, list) or len(items) != len(chunk):
            error = malformed("a write", body)
            for offset in range(len(chunk)):
                book.settle(start + offset, error=error)
            return
        for offset, (sent, item) in enumerate(zip(chunk, items, strict=True)):
            failed = item_error(item)
            if failed is not None:
                book.settle(start + offset, error=failed)
            else:
                book.settle(start + offset, None if deleting else _written(item, sent))


def _only(body: dict, method: str) -> dict:
    """The one outcome of a one-record write."""
    items = body.get("data")
    if not isinstance(items, list) or len(items) != 1 or not isinstance(items[0], dict):
        raise malformed(f"{method} of one record", body)
    return items[0]


def _written(item: dict, sent: dict) -> AppRecord:
    """The record a success names: its id and time, with the values sent."""
    details = item.get("details")
    if not isinstance(details, dict) or "id" not in details:
        raise malformed("a write outcome", item)
    values = {k: from_zoho(v, FieldType.TEXT) for k, v in sent.items() if k != "id"}
    return AppRecord(str(details["id"]), values,
                     modified_at=parse_time(details.get("Modified_Time")))
