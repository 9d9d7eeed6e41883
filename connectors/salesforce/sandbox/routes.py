"""The REST resources the sandbox serves, below /services/data/vXX.X, strictly.

Each resource takes exactly the query parameters Salesforce documents for it; an
unknown parameter, body key, path or version is refused in Salesforce's error shape.
"""

import datetime as dt
import functools
import itertools
from urllib.parse import urlsplit

from connectors.salesforce.sandbox import soql
from connectors.salesforce.sandbox.schema import ALL_OBJECTS, OBJECTS, describe, fields_of
from connectors.salesforce.sandbox.store import (
    Org,
    RecordError,
    RequestRefused,
    deserialize,
    stamp,
)
from connectors.sdk.sandbox import Response, Sandbox, route

VERSIONS = {f"{n}.0" for n in range(31, 63)}  # Summer '14 to Winter '25
DEFAULT_BATCH, MIN_BATCH, MAX_BATCH = 2000, 200, 2000
COLLECTION_MAX = 200
_locator_ids = itertools.count(1)


def errors(status: int, code: str, message: str, fields: list | None = None) -> Response:
    body: dict = {"message": message, "errorCode": code}
    if fields is not None:
        body["fields"] = fields
    return Response.json([body], status)


def api(*params: str):
    """A REST resource: version checked, only `params` accepted, counted against the
    org's daily budget, and answered with Sforce-Limit-Info."""

    def wrap(handler):
        @functools.wraps(handler)
        def serve(self, request, account: Org, version: str, **found):
            if version not in VERSIONS:
                return errors(404, "NOT_FOUND", "The requested resource does not exist")
            unknown = sorted(set(request.query) - set(params))
            if unknown:
                return errors(400, "INVALID_QUERY_PARAMETER",
                              f"Unsupported query parameter: {unknown[0]}")
            now = self.clock()
            if account.used(now) >= account.api_limit:
                return errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
            account.calls.append(now)
            try:
                response = handler(self, request, account, version, **found)
            except RequestRefused as refused:
                response = errors(refused.status, refused.code, refused.message, refused.fields)
            except soql.SoqlError as bad:
                response = errors(400, bad.code, bad.message)
            response.headers["Sforce-Limit-Info"] = (
                f"api-usage={account.used(now)}/{account.api_limit}")
            return response

        return serve

    return wrap


def _root_path(request) -> str:
    return urlsplit(request.root).path.rstrip("/")


def shaped(object_name: str, record: dict, names, request, version: str) -> dict:
    url = f"{_root_path(request)}/services/data/v{version}/sobjects/{object_name}/{record['Id']}"
    return {"attributes": {"type": object_name, "url": url},
            **{name: record.get(name) for name in names}}


def _window(request) -> tuple[str, str]:
    """start and end (ISO 8601, seconds ignored); end after start."""
    def moment(name: str) -> dt.datetime:
        raw = request.arg(name)
        if not raw:
            raise RequestRefused(400, "MISSING_ARGUMENT", f"{name} was not specified")
        try:
            return soql.parse_moment(raw).replace(second=0, microsecond=0)
        except (ValueError, IndexError):
            raise RequestRefused(400, "INVALID_DATE_FORMAT",
                                 f"{name}: invalid date format: {raw}") from None
    start, end = moment("start"), moment("end")
    if end <= start:
        raise RequestRefused(400, "INVALID_REPLICATION_DATE",
                             "endDate must chronologically follow the startDate")
    return stamp(start.timestamp()), stamp(end.timestamp())


class RestRoutes(Sandbox[Org]):
    """Mixed into SalesforceSandbox (its accounts, lock and clock)."""

    locators: dict

    def clock(self) -> float:
        raise NotImplementedError

    # --- SOQL -------------------------------------------------------------------------

    @route("GET", "/services/data/v{version}/query")
    @api("q")
    def query(self, request, account, version):
        parsed = soql.parse(request.arg("q") or "")
        rows = [r for r in account.data[parsed.object_name].values()
                if soql.matches(parsed.where, r)]
        if parsed.object_name == "Organization":
            rows = [{"Id": account.org_id, "Name": account.name}]
        for name, descending in reversed(parsed.order):
            rows.sort(key=functools.partial(_sort_key, name), reverse=descending)
        rows = rows[:parsed.limit] if parsed.limit is not None else rows
        ids = [r["Id"] for r in rows]
        locator = f"01gRO{next(_locator_ids):013d}"
        self.locators[locator] = {"account": account.id, "object": parsed.object_name,
                                  "fields": parsed.fields, "ids": ids,
                                  "rows": rows if parsed.object_name == "Organization" else None,
                                  "batch": _batch_size(request)}
        return self._query_page(request, account, version, locator, 0)

    @route("GET", "/services/data/v{version}/query/{locator}")
    @api()
    def query_more(self, request, account, version, locator):
        key, _, offset = locator.rpartition("-")
        state = self.locators.get(key)
        if state is None or state["account"] != account.id or not offset.isdigit():
            raise RequestRefused(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._query_page(request, account, version, key, int(offset))

    def _query_page(self, request, account, version, locator, offset):
        state = self.locators[locator]
        page_ids = state["ids"][offset:offset + state["batch"]]
        store = account.data[state["object"]]
        rows = state["rows"] or [store[i] for i in page_ids if i in store]
        body = {"totalSize": len(state["ids"]), "done": offset + len(page_ids) >= len(
            state["ids"]), "records": [shaped(state["object"], r, state["fields"], request,
                                              version) for r in rows]}
        if not body["done"]:
            body["nextRecordsUrl"] = (f"{_root_path(request)}/services/data/v{version}/query/"
                                      f"{locator}-{offset + len(page_ids)}")
        return Response.json(body)

    # --- one record, describe, the replication resources ----------------------------

    @route("POST", "/services/data/v{version}/sobjects/{sobject}")
    @api()
    def create(self, request, account, version, sobject):
        values = deserialize(sobject, request.json())
        try:
            record_id = account.create(sobject, values)
        except RecordError as refused:
            return errors(400, refused.code, refused.message, refused.fields)
        return Response.json({"id": record_id, "success": True, "errors": []}, 201)

    @route("GET", "/services/data/v{version}/sobjects/{sobject}/{record_id}")
    @api("fields", "start", "end")
    def retrieve(self, request, account, version, sobject, record_id):
        if sobject not in ALL_OBJECTS:
            raise RequestRefused(404, "NOT_FOUND", "The requested resource does not exist")
        window = {"deleted": self._deleted, "updated": self._updated}.get(record_id)
        if window is not None:
            if "fields" in request.query:
                raise RequestRefused(400, "INVALID_QUERY_PARAMETER",
                                     "Unsupported query parameter: fields")
            return window(request, account, sobject)
        if request.query.keys() - {"fields"}:
            raise RequestRefused(400, "INVALID_QUERY_PARAMETER", "Unsupported query parameter")
        if record_id == "describe":
            if request.query:
                raise RequestRefused(400, "INVALID_QUERY_PARAMETER",
                                     f"Unsupported query parameter: {sorted(request.query)[0]}")
            return Response.json(describe(sobject, _root_path(request), version))
        record = account.live(sobject, record_id)
        if record is None:
            raise RequestRefused(404, "NOT_FOUND", "The requested resource does not exist")
        names = _field_list(sobject, request.arg("fields"))
        return Response.json(shaped(sobject, record, names, request, version))

    def _deleted(self, request, account, sobject):
        start, end = _window(request)
        covered = min(end, stamp(self.clock()))
        gone = [{"id": i, "deletedDate": d} for i, d in account.deleted[sobject]
                if start <= d < covered]
        earliest = min((d for _i, d in account.deleted[sobject]), default=covered)
        return Response.json({"deletedRecords": gone, "earliestDateAvailable": earliest,
                              "latestDateCovered": covered})

    def _updated(self, request, account, sobject):
        start, end = _window(request)
        covered = min(end, stamp(self.clock()))
        ids = [r["Id"] for r in account.data[sobject].values()
               if start <= r["SystemModstamp"] < covered]
        return Response.json({"ids": ids, "latestDateCovered": covered})

    @route("PATCH", "/services/data/v{version}/sobjects/{sobject}/{record_id}")
    @api()
    def update(self, request, account, version, sobject, record_id):
        values = deserialize(sobject, request.json())
        try:
            account.update(sobject, record_id, values)
        except RecordError as refused:
            status = 404 if refused.code in ("NOT_FOUND", "ENTITY_IS_DELETED") else 400
            return errors(status, refused.code, refused.message, refused.fields)
        return Response(204)

    @route("DELETE", "/services/data/v{version}/sobjects/{sobject}/{record_id}")
    @api()
    def delete(self, request, account, version, sobject, record_id):
        if sobject not in OBJECTS:
            raise RequestRefused(404, "NOT_FOUND", "The requested resource does not exist")
        try:
            account.delete(sobject, record_id)
        except RecordError as refused:
            return errors(404, refused.code, refused.message)
        return Response(204)


def _sort_key(name: str, record: dict):
    return soql.sort_key(record, name)


def _batch_size(request) -> int:
    """Sforce-Query-Options: batchSize=n, kept between 200 and 2,000."""
    option = request.headers.get("sforce-query-options", "")
    for part in option.split(","):
        name, _, value = part.strip().partition("=")
        if name == "batchSize" and value.isdigit():
            return max(MIN_BATCH, min(MAX_BATCH, int(value)))
    return DEFAULT_BATCH


def _field_list(sobject: str, raw: str | None) -> list[str]:
    known = fields_of(sobject)
    if not raw:
        return list(known)
    names = []
    for name in raw.split(","):
        match = next((n for n in known if n.lower() == name.strip().lower()), None)
        if match is None:
            raise RequestRefused(400, "INVALID_FIELD", f"No such column '{name.strip()}' on "
                                 f"entity '{sobject}'")
        names.append(match)
    return names
