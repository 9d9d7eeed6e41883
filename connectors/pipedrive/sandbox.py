"""A stateful emulator of Pipedrive's API v2 and v1 for two sandbox companies.

Served paths are Pipedrive's own below the company host (`/api/v2/persons`,
`/api/v1/notes`, …), OAuth's (`/oauth/authorize`, `/oauth/token`,
`/oauth/revoke`), and the app's own pages at `/app` (sandbox_app). Scopes are
enforced; deleted records stay readable in /v1/recents; errors and 429s come in
Pipedrive's body shape.
https://developers.pipedrive.com/docs/api/v1
"""

import datetime as dt
import functools
import operator
import secrets
import time

from connectors.pipedrive import sandbox_records as records
from connectors.pipedrive import sandbox_store as store
from connectors.pipedrive.sandbox_app import PipedriveAppPages
from connectors.pipedrive.sandbox_rules import Invalid, failed, validate
from connectors.pipedrive.sandbox_seed import COMPANIES
from connectors.pipedrive.sandbox_webhooks import announce, listening, snapshot
from connectors.sdk.sandbox import Response, Sandbox, route
from connectors.sdk.sandbox.limits import Verdict
from connectors.sdk.sandbox.oauth import IssuedToken

ERROR_INFO = "Please check developers.pipedrive.com for more information about Pipedrive API."
SINGULAR = {"persons": "Person", "organizations": "Organization", "deals": "Deal",
            "products": "Product", "activities": "Activity", "notes": "Note"}
# The scope families that reach each object (GET: :read or :full; writes: :full).
SCOPES = {"persons": ("contacts",), "organizations": ("contacts",), "deals": ("deals",),
          "products": ("products",), "activities": ("activities",),
          "notes": ("contacts", "deals")}
SORTABLE = {"id", "update_time", "add_time"}
CREATED_STATUS = {"products": 201}  # the other v2 creates answer 200
EXTRA_SORTS = {"products": {"name"}, "activities": {"due_date"}}
LIST_FILTERS = ("owner_id", "org_id", "person_id", "deal_id")
# https://pipedrive.readme.io/docs/guide-for-webhooks-v2
WEBHOOKS_PER_USER = 40


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def ok(data, extra: dict | None = None, status: int = 200) -> Response:
    body = {"success": True, "data": data}
    if extra is not None:
        body["additional_data"] = extra
    return Response.json(body, status)


def answers(handler):
    """Turn a refused request (Invalid) into Pipedrive's error body."""

    @functools.wraps(handler)
    def wrapped(self, request, account, **params):
        try:
            return handler(self, request, account, **params)
        except Invalid as refused:
            code = "ERR_SCHEMA_VALIDATION_FAILED" if refused.status == 400 else None
            return self.error(refused.status, refused.message, **({"code": code} if code else {}))

    return wrapped


class PipedriveSandbox(PipedriveAppPages, Sandbox):
    key = "pipedrive"
    name = "Pipedrive"
    authorize_path = "/oauth/authorize"
    token_path = "/oauth/token"  # noqa: S105 - a URL path
    revoke_path = "/oauth/revoke"
    # A burst of `limit` per token, refilled evenly over the 2-second window.
    # https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting
    rate_policy = "token_bucket"

    def __init__(self, *, rate=None, seed: bool = True, clock=None):
        self.clock = clock or utc_now  # a named function: the sandbox's state pickles
        self._token_root = ""
        super().__init__(rate=rate, seed=seed)

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC).replace(microsecond=0)

    def seed(self) -> None:
        for profile in COMPANIES:
            self.add_account(store.build_company(profile, self.now()))

    # --- Pipedrive's shapes ----------------------------------------------------------------

    def error(self, status: int, message: str, **extra) -> Response:
        body = {"success": False, "error": message, "error_info": ERROR_INFO, "data": None,
                "additional_data": None, **extra}
        if status in (401, 403, 429):
            body["errorCode"] = status
        return Response.json(body, status)

    def rate_limit_response(self, retry_after: int) -> Response:
        response = self.error(429, "Request over limit")
        limit = self.rate[0] if self.rate else 0
        response.headers.update({"Retry-After": str(retry_after), "x-ratelimit-limit": str(limit),
                                 "x-ratelimit-remaining": "0",
                                 "x-ratelimit-reset": str(retry_after)})
        return response

    def rate_headers(self, verdict: Verdict) -> dict[str, str]:
        """Pipedrive sends these on every answer; reset: seconds until a token is back."""
        return {"x-ratelimit-limit": str(verdict.limit),
                "x-ratelimit-remaining": str(verdict.remaining),
                "x-ratelimit-reset": str(verdict.retry_after if not verdict.remaining else 0)}

    # --- OAuth: api_domain in the token response; refresh tokens do not rotate ------------

    def token_extras(self, account) -> dict:
        return {"api_domain": self._token_root}

    def _token(self, request):
        self._token_root = request.root
        return super()._token(request)

    def _refresh(self, form):
        # Pipedrive keeps the refresh token (valid 60 days from its last use).
        # https://pipedrive.readme.io/docs/marketplace-oauth-authorization
        token = form.get("refresh_token", "")
        issued = self.refresh_tokens.get(token)
        if issued is None:
            return Response.json({"error": "invalid_grant",
                                  "error_description": "The refresh token is invalid"}, 400)
        access = secrets.token_urlsafe(32)
        expires_at = time.time() + self.access_token_ttl
        self.access_tokens[access] = IssuedToken(issued.account_id, issued.scope, expires_at)
        return Response.json({
            "access_token": access, "refresh_token": token, "token_type": "Bearer",
            "expires_in": self.access_token_ttl, "scope": issued.scope,
            **self.token_extras(self.accounts[issued.account_id]),
        }, headers={"Cache-Control": "no-store"})

    def scopes_offered(self) -> list[str]:
        return ["base", "contacts:full", "deals:full", "products:full", "activities:full"]

    def granted(self, request) -> set[str]:
        issued = self.access_tokens.get(request.bearer or "")
        return set((issued.scope if issued else "").replace(",", " ").split())

    def require(self, request, scopes: tuple[str, ...]) -> None:
        if not self.granted(request) & set(scopes):
            raise Invalid("Scope and URL mismatch", status=403)

    def require_object(self, request, object_name: str, write: bool) -> None:
        levels = ("full",) if write else ("read", "full")
        self.require(request, tuple(f"{family}:{level}" for family in SCOPES[object_name]
                                    for level in levels))

    def v2_object(self, collection: str) -> str:
        if collection not in store.V2_OBJECTS:
            raise Invalid(f"Unknown method {collection}", status=404)
        return collection

    def found(self, account, object_name: str, item_id: str) -> dict:
        record = account.live(object_name, item_id)
        if record is None:
            raise Invalid(f"{SINGULAR[object_name]} not found", status=404)
        return record

    # --- API v2: persons, organizations, deals, products, activities, and their fields --

    @route("GET", "/api/v2/{collection}")
    @answers
    def v2_list(self, request, account, collection):
        if collection in store.FIELD_LISTS:
            return self.v2_fields(request, account, store.FIELD_LISTS[collection])
        object_name = self.v2_object(collection)
        self.require_object(request, object_name, write=False)
        sort_by = request.arg("sort_by", "id")
        direction = request.arg("sort_direction", "asc")
        if sort_by not in SORTABLE | EXTRA_SORTS.get(object_name, set()):
            raise failed("sort_by", f"'{sort_by}' is not a sortable field")
        if direction not in {"asc", "desc"}:
            raise failed("sort_direction", "must be asc or desc")
        rows = self.v2_matching(request, account, object_name)
        page, following = store.page_v2(rows, sort_by, direction, request.arg("cursor"),
                                         _limit(request))
        return ok(page, {"next_cursor": following})

    def v2_matching(self, request, account, object_name: str) -> list[dict]:
        wanted_deleted = object_name == "deals" and request.arg("status") == "deleted"
        rows = [r for r in account.data[object_name].values() if r["is_deleted"] == wanted_deleted]
        if request.arg("ids"):
            ids = _ids(request.arg("ids"))
            rows = [r for r in rows if r["id"] in ids]
        since, until = _moment(request, "updated_since"), _moment(request, "updated_until")
        if since:
            rows = [r for r in rows if _parsed(r["update_time"]) >= since]
        if until:
            rows = [r for r in rows if _parsed(r["update_time"]) < until]
        for name in LIST_FILTERS:
            if request.arg(name):
                rows = [r for r in rows if str(r.get(name)) == request.arg(name)]
        status = request.arg("status")
        if object_name == "deals" and status and status != "deleted":
            rows = [r for r in rows if r["status"] == status]
        return rows

    def v2_fields(self, request, account, object_name: str) -> Response:
        self.require_object(request, object_name, write=False)
        return ok(account.fields.get(object_name, []), {"next_cursor": None})

    @route("POST", "/api/v2/{collection}")
    @answers
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

    @route("GET", "/api/v2/{collection}/{item_id}")
    @answers
    def v2_get(self, request, account, collection, item_id):
        object_name = self.v2_object(collection)
        self.require_object(request, object_name, write=False)
        return ok(self.found(account, object_name, item_id))

    @route("PATCH", "/api/v2/{collection}/{item_id}")
    @answers
    def v2_update(self, request, account, collection, item_id):
        object_name = self.v2_object(collection)
        self.require_object(request, object_name, write=True)
        record = self.found(account, object_name, item_id)
        return ok(self.update_record(account, object_name, record, request.json()))

    @route("DELETE", "/api/v2/{collection}/{item_id}")
    @answers
    def v2_delete(self, request, account, collection, item_id):
        object_name = self.v2_object(collection)
        self.require_object(request, object_name, write=True)
        record = self.found(account, object_name, item_id)
        self.delete_record(account, object_name, record)
        return ok({"id": record["id"]})

    # The app's own pages (sandbox_app) edit and delete through these two, so their
    # changes reach API readers exactly as the API's own do.

    def update_record(self, account, object_name: str, record: dict, body: object) -> dict:
        """PATCH: validate `body` as v2 does (raise Invalid), then apply it."""
        checked = validate(account, object_name, body, creating=False)
        before = snapshot(account, record)
        records.apply(object_name, record, checked, self.now())
        announce(self, account, object_name, "change", record=record, before=before)
        return record

    def delete_record(self, account, object_name: str, record: dict) -> dict:
        """DELETE: a soft delete, still listed in /v1/recents."""
        before = snapshot(account, record)
        record["is_deleted"] = True
        record["update_time"] = records.stamp(self.now())
        announce(self, account, object_name, "delete", record=record, before=before)
        return record

    # --- API v1: notes -------------------------------------------------------------------

    @route("GET", "/api/v1/notes")
    @answers
    def notes_list(self, request, account):
        self.require_object(request, "notes", write=False)
        rows = [n for n in account.data["notes"].values() if n["active_flag"]]
        since = _moment(request, "updated_since")
        if since:
            rows = [n for n in rows if _parsed(n["update_time"]) >= since]
        for name in ("person_id", "org_id", "deal_id"):
            if request.arg(name):
                rows = [n for n in rows if str(n.get(name)) == request.arg(name)]
        for field, descending in reversed(_sort_spec(request.arg("sort") or "id ASC")):
            rows.sort(key=operator.itemgetter(field), reverse=descending)
        start, limit = _int_arg(request, "start", 0), _limit(request)
        page = rows[start:start + limit]
        more = len(rows) > start + limit
        pagination = {"start": start, "limit": limit, "more_items_in_collection": more,
                      **({"next_start": start + limit} if more else {})}
        # v1 answers an empty list with `data: null`.
        data = [records.render_note(account, n) for n in page] or None
        return ok(data, {"pagination": pagination})

    @route("POST", "/api/v1/notes")
    @answers
    def notes_create(self, request, account):
        self.require_object(request, "notes", write=True)
        changes = records.note_changes(account, request.json(), creating=True)
        note = records.new_note(account, account.next_id("notes"), changes, self.now())
        account.data["notes"][note["id"]] = note
        if listening(account):
            announce(self, account, "notes", "create",
                     record=records.render_note(account, note), before=None)
        return ok(records.render_note(account, note))

    @route("GET", "/api/v1/notes/{item_id}")
    @answers
    def notes_get(self, request, account, item_id):
        self.require_object(request, "notes", write=False)
        return ok(records.render_note(account, self.found(account, "notes", item_id)))

    @route("PUT", "/api/v1/notes/{item_id}")
    @answers
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

    @route("DELETE", "/api/v1/notes/{item_id}")
    @answers
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

    # --- API v1: the account, recent changes, webhooks -------------------------------------

    @route("GET", "/api/v1/users/me")
    @answers
    def users_me(self, request, account):
        self.require(request, ("base",))
        return ok(records.me(account, self.now()))

    @route("GET", "/api/v1/recents")
    @answers
    def recents(self, request, account):
        self.require(request, ("recents:read", "search:read"))
        since = store.parse_since(request.arg("since_timestamp"))
        items = [i for i in (request.arg("items") or "").split(",") if i]
        unknown = set(items) - set(records.RECENT_ITEMS.values())
        if unknown:
            raise failed("items", f"unknown item types: {', '.join(sorted(unknown))}")
        items = items or list(records.RECENT_ITEMS.values())
        data, extra = store.recents(account, since, items, _int_arg(request, "start", 0),
                                    _limit(request))
        return ok(data or None, extra)

    @route("POST", "/api/v1/webhooks")
    @answers
    def webhooks_create(self, request, account):
        self.require(request, ("admin",))
        hook = records.webhook(account, request.json(), self.now())
        active = [h for h in account.webhooks.values()
                  if h["is_active"] == 1 and h["user_id"] == hook["user_id"]]
        if len(active) >= WEBHOOKS_PER_USER:
            raise Invalid("Webhooks limit reached", status=422)
        account.webhooks[hook["id"]] = hook
        return Response.json({"success": True, "status": "ok", "data": hook}, 201)

    @route("GET", "/api/v1/webhooks")
    @answers
    def webhooks_list(self, request, account):
        self.require(request, ("admin",))
        hooks = [h for h in account.webhooks.values() if h["is_active"] == 1]
        return Response.json({"success": True, "status": "ok", "data": hooks})

    @route("DELETE", "/api/v1/webhooks/{item_id}")
    @answers
    def webhooks_delete(self, request, account, item_id):
        self.require(request, ("admin",))
        hook = account.webhooks.get(int(item_id)) if item_id.isdigit() else None
        if hook is None or hook["is_active"] != 1:
            raise Invalid("Webhook not found", status=404)
        hook["is_active"] = 0
        hook["remove_time"] = self.now().isoformat().replace("+00:00", "Z")
        return Response.json({"success": True, "status": "ok"})


# --- request helpers ------------------------------------------------------------------------


def _int_arg(request, name: str, default: int) -> int:
    raw = request.arg(name)
    if raw is None:
        return default
    if not raw.isdigit():
        raise failed(name, f"Parameter '{name}' must be an integer")
    return int(raw)


def _limit(request) -> int:
    limit = _int_arg(request, "limit", 100)
    if not 1 <= limit <= store.MAX_LIMIT:
        raise failed("limit", f"must be between 1 and {store.MAX_LIMIT}")
    return limit


def _sort_spec(raw: str) -> list[tuple[str, bool]]:
    """v1's `sort`: "field ASC, other DESC" -> [(field, descending), …]."""
    spec = []
    for part in raw.split(","):
        field, _, order = part.strip().partition(" ")
        if field not in {"id", "add_time", "update_time"} or order.upper() not in {"", "ASC",
                                                                                "DESC"}:
            raise failed("sort", f"'{part.strip()}' is not a valid sort")
        spec.append((field, order.upper() == "DESC"))
    return spec


def _ids(raw: str) -> set[int]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > 100 or not all(p.isdigit() for p in parts):
        raise failed("ids", "must be a comma-separated list of at most 100 integers")
    return {int(p) for p in parts}


def _parsed(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _moment(request, name: str) -> dt.datetime | None:
    raw = request.arg(name)
    if not raw:
        return None
    if "T" not in raw:
        raise failed(name, f"'{raw}' is not an RFC 3339 date-time")
    try:
        return _parsed(raw)
    except ValueError:
        raise failed(name, f"'{raw}' is not an RFC 3339 date-time") from None
