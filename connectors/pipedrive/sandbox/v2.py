"""API v2: persons, organizations, deals, products and activities, and their fields.

Lists page with `cursor`/`limit` and answer `additional_data.next_cursor` (null on the
last page). Each list takes the filters its published spec lists that the sandbox
implements (FILTERS); any other parameter is refused, as are unknown body keys.
https://pipedrive.readme.io/docs/pipedrive-api-v2
"""

from connectors.pipedrive.sandbox import records, store
from connectors.pipedrive.sandbox.api import (
    api_route,
    ids_arg,
    int_arg,
    limit_arg,
    moment_arg,
    ok,
    parsed_time,
    refuse_unknown_parameters,
)
from connectors.pipedrive.sandbox.base import PipedriveCore
from connectors.pipedrive.sandbox.rules import Invalid, failed, validate
from connectors.pipedrive.sandbox.webhooks import announce
from connectors.sdk.sandbox import Response

SORTABLE = {"id", "update_time", "add_time"}
EXTRA_SORTS = {"products": {"name"}, "activities": {"due_date"}}
CREATED_STATUS = {"products": 201}  # the other v2 creates answer 200
LIST_PARAMETERS = ("cursor", "limit", "sort_by", "sort_direction", "ids", "updated_since",
                   "updated_until")
# The equality filters each list takes (integer ids), as its published spec names them.
FILTERS = {"persons": ("owner_id", "org_id"), "organizations": ("owner_id",),
           "deals": ("owner_id", "person_id", "org_id", "pipeline_id", "stage_id"),
           "products": ("owner_id",),
           "activities": ("owner_id", "deal_id", "person_id", "org_id")}
EXTRA_PARAMETERS = {"deals": ("status",)}
NOT_FOR = {"products": ("updated_until",)}  # products take updated_since only
DEAL_STATUSES = {"open", "won", "lost", "deleted"}


def list_parameters(object_name: str) -> set[str]:
    taken = {*LIST_PARAMETERS, *FILTERS[object_name], *EXTRA_PARAMETERS.get(object_name, ())}
    return taken - set(NOT_FOR.get(object_name, ()))


class V2Api(PipedriveCore):
    def v2_object(self, collection: str) -> str:
        if collection not in store.V2_OBJECTS:
            raise Invalid(f"Unknown method {collection}", status=404)
        return collection

    @api_route("GET", "/api/v2/{collection}", query=None)
    def v2_list(self, request, account, collection):
        if collection in store.FIELD_LISTS:
            return self.v2_fields(request, account, store.FIELD_LISTS[collection])
        object_name = self.v2_object(collection)
        refuse_unknown_parameters(request, list_parameters(object_name))
        self.require_object(request, object_name, write=False)
        sort_by = request.arg("sort_by", "id")
        direction = request.arg("sort_direction", "asc")
        if sort_by not in SORTABLE | EXTRA_SORTS.get(object_name, set()):
            raise failed("sort_by", f"'{sort_by}' is not a sortable field")
        if direction not in {"asc", "desc"}:
            raise failed("sort_direction", "must be asc or desc")
        rows = self.v2_matching(request, account, object_name)
        page, following = store.page_v2(rows, sort_by, direction, request.arg("cursor"),
                                         limit_arg(request))
        return ok(page, {"next_cursor": following})

    def v2_matching(self, request, account, object_name: str) -> list[dict]:
        status = request.arg("status")
        if status is not None and status not in DEAL_STATUSES:
            raise failed("status", "must be one of: open, won, lost, deleted")
        wanted_deleted = status == "deleted"
        rows = [r for r in account.data[object_name].values() if r["is_deleted"] == wanted_deleted]
        if request.arg("ids"):
            ids = ids_arg(request.arg("ids") or "")
            rows = [r for r in rows if r["id"] in ids]
        since, until = moment_arg(request, "updated_since"), moment_arg(request, "updated_until")
        if since:
            rows = [r for r in rows if parsed_time(r["update_time"]) >= since]
        if until:
            rows = [r for r in rows if parsed_time(r["update_time"]) < until]
        for name in FILTERS[object_name]:
            wanted = int_arg(request, name)
            if wanted is not None:
                rows = [r for r in rows if r.get(name) == wanted]
        if status and status != "deleted":
            rows = [r for r in rows if r["status"] == status]
        return rows

    def v2_fields(self, request, account, object_name: str) -> Response:
        refuse_unknown_parameters(request, {"cursor", "limit"})
        self.require_object(request, object_name, write=False)
        page, following = store.page_fields(account.fields.get(object_name, []),
                                            request.arg("cursor"), limit_arg(request))
        return ok(page, {"next_cursor": following})

    @api_route("POST", "/api/v2/{collection}")
    def v2_create(self, request, account, collection):
        object_name = self.v2_object(collection)
        self.require_object(request, object_name, write=True)
        body = validate(account, object_name, request.json(), creating=True)
        now = self.now()
        record = records.defaults(account, object_name, account.next_id(object_name), now)
        records.apply(object_name, record, body, now)
        account.data[object_name][record["id"]] = record
        announce(self, account, object_name, "create", record=record, before=None)
        return ok(record, status=CREATED_STATUS.get(object_name, 200))

    @api_route("GET", "/api/v2/{collection}/{item_id}")
    def v2_get(self, request, account, collection, item_id):
        object_name = self.v2_object(collection)
        self.require_object(request, object_name, write=False)
        return ok(self.found(account, object_name, item_id))

    @api_route("PATCH", "/api/v2/{collection}/{item_id}")
    def v2_update(self, request, account, collection, item_id):
        object_name = self.v2_object(collection)
        self.require_object(request, object_name, write=True)
        record = self.found(account, object_name, item_id)
        return ok(self.update_record(account, object_name, record, request.json()))

    @api_route("DELETE", "/api/v2/{collection}/{item_id}")
    def v2_delete(self, request, account, collection, item_id):
        object_name = self.v2_object(collection)
        self.require_object(request, object_name, write=True)
        record = self.found(account, object_name, item_id)
        self.delete_record(account, object_name, record)
        return ok({"id": record["id"]})
