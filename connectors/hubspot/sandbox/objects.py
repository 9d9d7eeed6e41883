"""/crm/v3/objects/<type>: list, read, create, update, archive, the batch endpoints, search.

https://developers.hubspot.com/docs/api/crm/understanding-the-crm
"""

from typing import TYPE_CHECKING

from connectors.hubspot.sandbox.associated import associations_of, wanted_associations
from connectors.hubspot.sandbox.routing import (
    api_route,
    archived_arg,
    bad,
    batch_error,
    batch_inputs,
    batch_response,
    json_body,
    known_fields,
    next_link,
    object_type,
    refuse_history,
    wanted_properties,
)
from connectors.hubspot.sandbox.schema import DEFAULT_PROPERTIES
from connectors.hubspot.sandbox.search import search
from connectors.hubspot.sandbox.store import (
    Portal,
    association_types,
    not_found,
    public,
    target_type,
)
from connectors.hubspot.sandbox.validate import HubSpotError
from connectors.sdk.sandbox import Response, Sandbox

# The query parameters each read implements (HubSpot's v3 basic API); others are refused.
LIST_QUERY = ("limit", "after", "properties", "propertiesWithHistory", "associations",
              "archived")
GET_QUERY = ("properties", "propertiesWithHistory", "associations", "archived", "idProperty")
CREATE_FIELDS = ("properties", "associations")


def _int_arg(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.arg(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise bad(f"{name} must be an integer between {low} and {high}")
    return int(raw)


def parse_associations(portal: Portal, from_type: str, raw) -> list[tuple[str, str, list]]:
    """The `associations` of a create input, checked before anything is written."""
    links = []
    for item in raw or []:
        to_id = str(((item or {}).get("to") or {}).get("id") or "")
        type_ids = [t.get("associationTypeId") for t in item.get("types") or []
                    if isinstance(t, dict)]
        if not to_id or not type_ids:
            raise bad("Each association needs `to.id` and `types`")
        to_type = target_type(from_type, type_ids[0])
        if to_type is None:
            raise bad(f"{type_ids[0]} is not a valid association type id from {from_type}")
        if portal.live(to_type, to_id) is None:
            raise bad(f"One or more associations are invalid: {to_type} {to_id} does not exist")
        if not set(type_ids) <= {t for t, _l in association_types(from_type, to_type)}:
            raise bad(f"Invalid association types {type_ids} from {from_type} to {to_type}")
        links.append((to_type, to_id, type_ids))
    return links


class ObjectRoutes(Sandbox):
    search_cap = 10_000  # tests lower it to reach the cap quickly

    if TYPE_CHECKING:  # HubSpotSandbox's scope check and search limit (app.py)
        def need(self, request, object_type: str, *, write: bool) -> None: ...
        def search_limited(self, token: str) -> Response | None: ...

    @api_route("GET", "/crm/v3/objects/{name}", query=LIST_QUERY)
    def list_objects(self, request, portal, name):
        kind = object_type(name)
        self.need(request, kind, write=False)
        limit = _int_arg(request, "limit", 10, 1, 100)
        rows = portal.records(kind, archived=archived_arg(request))
        after = request.arg("after")
        if after is not None:
            if not after.isdigit():
                raise bad(f"Invalid paging token {after!r}")
            rows = [r for r in rows if int(r["id"]) >= int(after)]
        wanted = wanted_properties(request) or list(DEFAULT_PROPERTIES.get(kind, ()))
        linked = self._linked_types(request)
        body: dict[str, object] = {"results": [
            self._record_answer(portal, kind, r, wanted, linked) for r in rows[:limit]]}
        if len(rows) > limit:
            token = rows[limit]["id"]
            body["paging"] = {"next": {"after": token, "link": next_link(
                request, f"/crm/v3/objects/{name}", token)}}
        return Response.json(body)

    @api_route("GET", "/crm/v3/objects/{name}/{object_id}", query=GET_QUERY)
    def get_object(self, request, portal, name, object_id):
        kind = object_type(name)
        self.need(request, kind, write=False)
        wanted = wanted_properties(request) or list(DEFAULT_PROPERTIES.get(kind, ()))
        linked = self._linked_types(request)
        record = self._find(portal, kind, object_id, request.arg("idProperty"),
                            archived_arg(request))
        return Response.json(self._record_answer(portal, kind, record, wanted, linked))

    def _linked_types(self, request) -> list[str]:
        """`associations=`: the types asked for, each needing its own read scope."""
        linked = wanted_associations(request)
        for to_type in linked:
            self.need(request, to_type, write=False)
        return linked

    def _record_answer(self, portal, kind: str, record: dict, wanted, linked: list[str]) -> dict:
        answer = public(kind, record, wanted)
        found = associations_of(portal, kind, record["id"], linked) if linked else {}
        if found:
            answer["associations"] = found
        return answer

    def _find(self, portal, kind, object_id, id_property, archived) -> dict:
        rows = portal.records(kind, archived=archived)
        if id_property:
            match = [r for r in rows
                     if str(r["properties"].get(id_property) or "").lower() == object_id.lower()]
        else:
            match = [r for r in rows if r["id"] == object_id]
        if not match:
            raise not_found(object_id)
        return match[0]

    @api_route("POST", "/crm/v3/objects/{name}")
    def create_object(self, request, portal, name):
        kind = object_type(name)
        self.need(request, kind, write=True)
        body = known_fields(json_body(request), CREATE_FIELDS, "SimplePublicObjectInputForCreate")
        clean = portal.prepare(kind, body.get("properties"), creating=True)
        links = parse_associations(portal, kind, body.get("associations"))
        record = portal.insert(kind, clean)
        for to_type, to_id, type_ids in links:
            portal.associate(kind, record["id"], to_type, to_id, type_ids)
        return Response.json(public(kind, record, list(clean)), 201)

    @api_route("PATCH", "/crm/v3/objects/{name}/{object_id}")
    def update_object(self, request, portal, name, object_id):
        kind = object_type(name)
        self.need(request, kind, write=True)
        body = known_fields(json_body(request), ("properties",), "SimplePublicObjectInput")
        properties = body.get("properties")
        record = portal.update(kind, object_id, properties)
        return Response.json(public(kind, record, list(properties or {})))

    @api_route("DELETE", "/crm/v3/objects/{name}/{object_id}")
    def archive_object(self, request, portal, name, object_id):
        kind = object_type(name)
        self.need(request, kind, write=True)
        portal.archive(kind, object_id)
        return Response(204)

    @api_route("POST", "/crm/v3/objects/{name}/search")
    def search_objects(self, request, portal, name):
        kind = object_type(name)
        self.need(request, kind, write=False)
        limited = self.search_limited(request.bearer)
        if limited is not None:
            return limited
        return Response.json(search(portal, kind, json_body(request), len(request.body),
                                    self.search_cap))

    @api_route("POST", "/crm/v3/objects/{name}/batch/read", query=("archived",))
    def batch_read(self, request, portal, name):
        kind = object_type(name)
        self.need(request, kind, write=False)
        inputs = batch_inputs(request, ("id",), envelope=(
            "inputs", "properties", "propertiesWithHistory", "idProperty"))
        body = json_body(request)
        for required in ("properties", "propertiesWithHistory"):
            if not isinstance(body.get(required), list):
                raise bad(f"Invalid input JSON: `{required}` is required")
        refuse_history(body["propertiesWithHistory"])
        archived = archived_arg(request)
        results, missing = [], []
        for item in inputs:
            object_id = str(item.get("id") or "")
            try:
                record = self._find(portal, kind, object_id, body.get("idProperty"), archived)
            except HubSpotError:
                missing.append(object_id)
                continue
            results.append(public(kind, record, body["properties"]))
        errors = [batch_error("OBJECT_NOT_FOUND", f"Could not get some {kind.upper()} objects, "
                              "they may be deleted or not exist. Check that ids are valid.",
                              missing)] if missing else []
        return batch_response(portal.now(), results, errors)

    @api_route("POST", "/crm/v3/objects/{name}/batch/create")
    def batch_create(self, request, portal, name):
        """All inputs are checked first: one bad input fails the batch, nothing is written."""
        kind = object_type(name)
        self.need(request, kind, write=True)
        prepared, emails = [], set()
        for item in batch_inputs(request, (*CREATE_FIELDS, "objectWriteTraceId")):
            clean = portal.prepare(kind, item.get("properties"), creating=True)
            email = (clean.get("email") or "").lower()
            if email and email in emails:
                raise HubSpotError(409, f"Duplicate email in batch input: {email}", "CONFLICT")
            emails.add(email)
            prepared.append((item, clean, parse_associations(portal, kind,
                                                             item.get("associations"))))
        results = []
        for item, clean, links in prepared:
            record = portal.insert(kind, clean)
            for to_type, to_id, type_ids in links:
                portal.associate(kind, record["id"], to_type, to_id, type_ids)
            result = public(kind, record, list(clean))
            if item.get("objectWriteTraceId") is not None:
                result["objectWriteTraceId"] = str(item["objectWriteTraceId"])
            results.append(result)
        results.reverse()  # HubSpot does not promise results in input order
        return batch_response(portal.now(), results, [], ok_status=201)

    @api_route("POST", "/crm/v3/objects/{name}/batch/update")
    def batch_update(self, request, portal, name):
        kind = object_type(name)
        self.need(request, kind, write=True)
        inputs = batch_inputs(request, ("id", "properties"))
        ids = [str(item.get("id") or "") for item in inputs]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise bad(f"Duplicate IDs found in batch input: {duplicates}. IDs must be unique")
        prepared, missing = [], []
        for object_id, item in zip(ids, inputs, strict=True):
            record = portal.live(kind, object_id)
            if record is None:
                missing.append(object_id)
                continue
            prepared.append((record, portal.prepare(kind, item.get("properties"),
                                                    creating=False, exclude=object_id)))
        results = [public(kind, portal.apply(kind, record, clean), list(clean))
                   for record, clean in prepared]
        errors = [batch_error("OBJECT_NOT_FOUND", f"Could not get some {kind.upper()} objects, "
                              "they may be deleted or not exist. Check that ids are valid.",
                              missing)] if missing else []
        return batch_response(portal.now(), results, errors)

    @api_route("POST", "/crm/v3/objects/{name}/batch/archive")
    def batch_archive(self, request, portal, name):
        kind = object_type(name)
        self.need(request, kind, write=True)
        for item in batch_inputs(request, ("id",)):
            portal.archive(kind, str(item.get("id") or ""))
        return Response(204)
