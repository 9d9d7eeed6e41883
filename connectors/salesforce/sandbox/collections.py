"""sObject Collections: up to 200 records a request, each saved on its own.

POST creates, PATCH updates (each record names its `id`), DELETE takes `ids` in the
query, GET /composite/sobjects/<type>?ids=…&fields=… reads (null for an id not found).
With allOrNone=false every record gets its own result, in the request's order; with
allOrNone=true the first failure rolls the request back and every other record reports
ALL_OR_NONE_OPERATION_ROLLED_BACK.
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
"""

import copy

from connectors.salesforce.sandbox.routes import COLLECTION_MAX, _field_list, api, shaped
from connectors.salesforce.sandbox.schema import OBJECTS
from connectors.salesforce.sandbox.store import Org, RecordError, RequestRefused, deserialize
from connectors.sdk.sandbox import Response, Sandbox, route

_ROLLED_BACK = {"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                "message": "Record rolled back because not all records were valid and the "
                           "request was using AllOrNone header", "fields": []}


def _body(request) -> tuple[bool, list]:
    body = request.json()
    if not isinstance(body, dict):
        raise RequestRefused(400, "JSON_PARSER_ERROR", "The request body must be an object")
    unknown = sorted(set(body) - {"allOrNone", "records"})
    if unknown:
        raise RequestRefused(400, "JSON_PARSER_ERROR", f"Unrecognized field \"{unknown[0]}\"")
    records = body.get("records")
    if not isinstance(records, list) or not records:
        raise RequestRefused(400, "INVALID_FIELD", "records: a list of sObjects is required")
    if len(records) > COLLECTION_MAX:
        raise RequestRefused(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit "
                             f"more than {COLLECTION_MAX} records into this call")
    return bool(body.get("allOrNone", False)), records


def _typed(record: object, *, with_id: bool) -> tuple[str, str | None, dict]:
    if not isinstance(record, dict):
        raise RequestRefused(400, "JSON_PARSER_ERROR", "Each record must be an object")
    attributes = record.get("attributes")
    if not isinstance(attributes, dict) or not attributes.get("type"):
        raise RequestRefused(400, "INVALID_TYPE", "The type attribute is required for each "
                             "record")
    record_id = record.get("id") if with_id else None
    if with_id and not record_id:
        raise RequestRefused(400, "MISSING_ARGUMENT", "Id not specified in an update call")
    if not with_id and "id" in {k.lower() for k in record}:
        raise RequestRefused(400, "INVALID_FIELD", "cannot specify Id in an insert call")
    values = deserialize(str(attributes["type"]), record, allowed=frozenset({"attributes",
                                                                             "id"}))
    return str(attributes["type"]), record_id, values


def _save(account: Org, all_or_none: bool, work: list) -> list[dict]:
    """Run each write; with allOrNone, undo them all after the first failure."""
    before = copy.deepcopy((account.data, account.deleted, account.counter))
    results, failed = [], False
    for write in work:
        try:
            record_id = write()
            results.append({"id": record_id, "success": True, "errors": []})
        except RecordError as refused:
            failed = True
            results.append({"success": False, "errors": [refused.body()]})
    if all_or_none and failed:
        account.data, account.deleted, account.counter = before
        return [r if not r["success"] else {"id": r["id"], "success": False,
                                            "errors": [_ROLLED_BACK]} for r in results]
    return results


class CollectionRoutes(Sandbox[Org]):
    @route("POST", "/services/data/v{version}/composite/sobjects")
    @api()
    def collection_create(self, request, account, version):
        all_or_none, records = _body(request)
        typed = [_typed(r, with_id=False) for r in records]
        work = [lambda t=t: account.create(t[0], t[2]) for t in typed]
        return Response.json(_save(account, all_or_none, work))

    @route("PATCH", "/services/data/v{version}/composite/sobjects")
    @api()
    def collection_update(self, request, account, version):
        all_or_none, records = _body(request)
        typed = [_typed(r, with_id=True) for r in records]

        def one(sobject, record_id, values):
            account.update(sobject, record_id, values)
            return record_id

        work = [lambda t=t: one(*t) for t in typed]
        return Response.json(_save(account, all_or_none, work))

    @route("DELETE", "/services/data/v{version}/composite/sobjects")
    @api("ids", "allOrNone")
    def collection_delete(self, request, account, version):
        ids = [i for i in (request.arg("ids") or "").split(",") if i]
        if not ids or len(ids) > COLLECTION_MAX:
            raise RequestRefused(400, "INVALID_ID_FIELD", "ids: between 1 and 200 ids")
        all_or_none = (request.arg("allOrNone") or "false").lower() == "true"

        def one(record_id):
            sobject = next((o for o, rows in account.data.items() if record_id in rows), None)
            sobject = sobject or next((o for o, log in account.deleted.items()
                                       if any(g == record_id for g, _d in log)), None)
            if sobject is None:
                raise RecordError("INVALID_CROSS_REFERENCE_KEY",
                                  "invalid cross reference id")
            account.delete(sobject, record_id)
            return record_id

        results = _save(account, all_or_none, [lambda i=i: one(i) for i in ids])
        for record_id, result in zip(ids, results, strict=True):
            result.setdefault("id", record_id)
        return Response.json(results)

    @route("GET", "/services/data/v{version}/composite/sobjects/{sobject}")
    @api("ids", "fields")
    def collection_retrieve(self, request, account, version, sobject):
        if sobject not in OBJECTS:
            raise RequestRefused(404, "NOT_FOUND", "The requested resource does not exist")
        if not request.arg("fields"):
            raise RequestRefused(400, "MISSING_ARGUMENT", "fields was not specified")
        ids = [i for i in (request.arg("ids") or "").split(",") if i]
        if not ids:  # no count limit: about 800 ids fit in a URL (414 beyond)
            raise RequestRefused(400, "MISSING_ARGUMENT", "ids was not specified")
        names = _field_list(sobject, request.arg("fields"))
        rows = [account.live(sobject, i) for i in ids]
        return Response.json([shaped(sobject, r, names, request, version) if r else None
                              for r in rows])
