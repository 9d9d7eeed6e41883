"""API v1: notes, the persons and organizations lists, users/me, recents and webhooks.

v1 lists page with `start`/`limit` and answer `additional_data.pagination` (start,
limit, more_items_in_collection, and next_start while more follow); an empty list
answers `data: null`. Each endpoint takes the query parameters its route lists.
https://developers.pipedrive.com/docs/api/v1
"""

from connectors.pipedrive.sandbox import records, store, v1_shapes
from connectors.pipedrive.sandbox.api import (
    api_route,
    int_arg,
    limit_arg,
    moment_arg,
    ok,
    parsed_time,
    sorted_v1,
)
from connectors.pipedrive.sandbox.base import PipedriveCore
from connectors.pipedrive.sandbox.rules import Invalid, failed
from connectors.pipedrive.sandbox.webhooks import announce, listening
from connectors.sdk.sandbox import Response

# https://pipedrive.readme.io/docs/guide-for-webhooks-v2
WEBHOOKS_PER_USER = 40
NOTE_FILTERS = ("user_id", "deal_id", "person_id", "org_id")
CONTACT_SORTS = {"id", "name", "add_time", "update_time"}


class V1Api(PipedriveCore):
    # --- notes ---------------------------------------------------------------------------

    @api_route("GET", "/api/v1/notes", query=(
        "start", "limit", "sort", "updated_since", "lead_id", *NOTE_FILTERS))
    def notes_list(self, request, account):
        self.require_object(request, "notes", write=False)
        rows = [n for n in account.data["notes"].values() if n["active_flag"]]
        since = moment_arg(request, "updated_since")
        if since:
            rows = [n for n in rows if parsed_time(n["update_time"]) >= since]
        for name in NOTE_FILTERS:
            wanted = int_arg(request, name)
            if wanted is not None:
                rows = [n for n in rows if n.get(name) == wanted]
        if request.arg("lead_id"):
            rows = [n for n in rows if n["lead_id"] == request.arg("lead_id")]
        rows = sorted_v1(rows, request.arg("sort") or "id ASC", {"id", "add_time", "update_time"})
        page, pagination = store.v1_page(rows, int_arg(request, "start", 0) or 0,
                                         limit_arg(request))
        # v1 answers an empty list with `data: null`.
        data = [records.render_note(account, n) for n in page] or None
        return ok(data, {"pagination": pagination})

    @api_route("POST", "/api/v1/notes")
    def notes_create(self, request, account):
        self.require_object(request, "notes", write=True)
        changes = records.note_changes(account, request.json(), creating=True)
        note = records.new_note(account, account.next_id("notes"), changes, self.now())
        account.data["notes"][note["id"]] = note
        if listening(account):
            announce(self, account, "notes", "create",
                     record=records.render_note(account, note), before=None)
        return ok(records.render_note(account, note))

    @api_route("GET", "/api/v1/notes/{item_id}")
    def notes_get(self, request, account, item_id):
        self.require_object(request, "notes", write=False)
        return ok(records.render_note(account, self.found(account, "notes", item_id)))

    @api_route("PUT", "/api/v1/notes/{item_id}")
    def notes_update(self, request, account, item_id):
        self.require_object(request, "notes", write=True)
        note = self.found(account, "notes", item_id)
        changes = records.note_changes(account, request.json(), creating=False)
        before = records.render_note(account, note) if listening(account) else None
        records.change_note(note, changes, self.now())
        if before is not None:
            announce(self, account, "notes", "change",
                     record=records.render_note(account, note), before=before)
        return ok(records.render_note(account, note))

    @api_route("DELETE", "/api/v1/notes/{item_id}")
    def notes_delete(self, request, account, item_id):
        self.require_object(request, "notes", write=True)
        note = self.found(account, "notes", item_id)
        before = records.render_note(account, note) if listening(account) else None
        note["active_flag"] = False
        note["update_time"] = records.v1_stamp(self.now())
        if before is not None:
            announce(self, account, "notes", "delete",
                     record=records.render_note(account, note), before=before)
        return ok(True)

    # --- persons and organizations lists (v1 paging; their v2 lists page by cursor) ----

    @api_route("GET", "/api/v1/persons", query=("start", "limit", "sort", "user_id",
                                                 "first_char"))
    def v1_persons(self, request, account):
        return self.v1_contacts(request, account, "persons")

    @api_route("GET", "/api/v1/organizations", query=("start", "limit", "sort", "user_id",
                                                       "first_char"))
    def v1_organizations(self, request, account):
        return self.v1_contacts(request, account, "organizations")

    def v1_contacts(self, request, account, object_name: str) -> Response:
        self.require_object(request, object_name, write=False)
        rows = [r for r in account.data[object_name].values() if not r["is_deleted"]]
        owner = int_arg(request, "user_id")
        if owner is not None:
            rows = [r for r in rows if r["owner_id"] == owner]
        first_char = request.arg("first_char")
        if first_char is not None:
            if len(first_char) != 1:
                raise failed("first_char", "must be a single character")
            rows = [r for r in rows if r["name"][:1].lower() == first_char.lower()]
        rows = sorted_v1(rows, request.arg("sort") or "id ASC", CONTACT_SORTS)
        page, pagination = store.v1_page(rows, int_arg(request, "start", 0) or 0,
                                         limit_arg(request))
        counts = v1_shapes.tallies(account) if page else {}
        data = [v1_shapes.render(account, object_name, r, counts, expanded=True) for r in page]
        return ok(data or None, {"pagination": pagination})

    # --- the account, recent changes, webhooks ---------------------------------------------

    @api_route("GET", "/api/v1/users/me")
    def users_me(self, request, account):
        self.require(request, ("base",))
        return ok(records.me(account, self.now()))

    @api_route("GET", "/api/v1/recents", query=("since_timestamp", "items", "start", "limit"))
    def recents(self, request, account):
        self.require(request, ("recents:read", "search:read"))
        since = store.parse_since(request.arg("since_timestamp"))
        items = [i for i in (request.arg("items") or "").split(",") if i]
        unknown = set(items) - set(records.RECENT_ITEMS.values())
        if unknown:
            raise failed("items", f"unknown item types: {', '.join(sorted(unknown))}")
        items = items or list(records.RECENT_ITEMS.values())
        data, extra = store.recents(account, since, items, int_arg(request, "start", 0) or 0,
                                    limit_arg(request))
        return ok(data or None, extra)

    @api_route("POST", "/api/v1/webhooks")
    def webhooks_create(self, request, account):
        self.require(request, ("admin",))
        hook = records.webhook(account, request.json(), self.now())
        active = [h for h in account.webhooks.values()
                  if h["is_active"] == 1 and h["user_id"] == hook["user_id"]]
        if len(active) >= WEBHOOKS_PER_USER:
            raise Invalid("Webhooks limit reached", status=422)
        account.webhooks[hook["id"]] = hook
        return Response.json({"success": True, "status": "ok", "data": hook}, 201)

    @api_route("GET", "/api/v1/webhooks")
    def webhooks_list(self, request, account):
        self.require(request, ("admin",))
        hooks = [h for h in account.webhooks.values() if h["is_active"] == 1]
        return Response.json({"success": True, "status": "ok", "data": hooks})

    @api_route("DELETE", "/api/v1/webhooks/{item_id}")
    def webhooks_delete(self, request, account, item_id):
        self.require(request, ("admin",))
        hook = account.webhooks.get(int(item_id)) if item_id.isdigit() else None
        if hook is None or hook["is_active"] != 1:
            raise Invalid("Webhook not found", status=404)
        hook["is_active"] = 0
        hook["remove_time"] = self.now().isoformat().replace("+00:00", "Z")
        return Response.json({"success": True, "status": "ok"})
