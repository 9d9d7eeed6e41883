"""Zoho CRM API v8 below the API domain: records, deleted records, field metadata, org.

https://www.zoho.com/crm/developer/docs/api/v8/get-records.html
https://www.zoho.com/crm/developer/docs/api/v8/get-deleted-records.html
https://www.zoho.com/crm/developer/docs/api/v8/field-meta.html
https://www.zoho.com/crm/developer/docs/api/v8/get-org-data.html
"""

import datetime as dt
import secrets

from connectors.sdk.sandbox import Response, route
from connectors.zoho.sandbox.accounts import ZohoCore, zoho_error
from connectors.zoho.sandbox.rules import ItemError, check
from connectors.zoho.sandbox.store import MODULES, ZohoOrg

LIST_PARAMS = {"fields", "sort_by", "sort_order", "page", "per_page", "page_token", "ids"}
SORTS = {"id", "Created_Time", "Modified_Time"}
MAX_PER_PAGE, DISCRETE_LIMIT, MAX_BATCH = 200, 2000, 100


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.response = zoho_error(status, code, message, details)


def _only(request, allowed: set[str]) -> None:
    for name in request.query:
        if name not in allowed:
            raise Refused(400, "INVALID_REQUEST", "unsupported parameter", {"param": name})


def _number(request, name: str, default: int, most: int) -> int:
    raw = request.arg(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= most:
        raise Refused(400, "INVALID_DATA", "invalid data", {"param": name})
    return int(raw)


def _since(request) -> dt.datetime | None:
    raw = request.headers.get("if-modified-since")
    if raw is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise Refused(400, "INVALID_DATA", "invalid data", {"header": "If-Modified-Since"})
    return moment


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _module(org: ZohoOrg, module: str) -> None:
    if module not in MODULES:
        raise Refused(400, "INVALID_MODULE", "the module name given seems to be invalid",
                      {"resource_path_index": 0})


def _empty(since) -> Response:
    """Nothing to list: 304 after If-Modified-Since, else 204 No Content."""
    return Response(304 if since else 204)


def refusing(handler):
    """Turn a Refused raised by a route into its Zoho-shaped answer."""
    def run(self, *args, **kwargs):
        try:
            return handler(self, *args, **kwargs)
        except Refused as refused:
            return refused.response
    run.__name__, run.__doc__ = handler.__name__, handler.__doc__
    return run


class ModulesApi(ZohoCore):
    """The module APIs; anything else below /crm is refused as Zoho does."""

    # Named to sort before list_records, whose /crm/v8/{module} also matches /crm/v8/org.
    @route("GET", "/crm/v8/org")
    @refusing
    def get_org(self, request, account):
        _only(request, set())
        return Response.json({"org": [{
            "id": account.id, "company_name": account.company_name,
            "domain_name": account.domain_name, "primary_email": account.login,
            "currency": account.currency, "zgid": account.id}]})

    @route("GET", "/crm/v8/settings/fields")
    @refusing
    def fields_meta(self, request, account):
        _only(request, {"module", "type"})
        module = request.arg("module") or ""
        if not module:
            raise Refused(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is "
                          "missing", {"param": "module"})
        _module(account, module)
        metas = account.fields[module].values()
        return Response.json({"fields": [m.describe(f"{account.id}{n:03d}")
                                         for n, m in enumerate(metas)]})

    @route("GET", "/crm/v8/{module}")
    @refusing
    def list_records(self, request, account, module):
        _only(request, LIST_PARAMS)
        _module(account, module)
        names = [n for n in (request.arg("fields") or "").split(",") if n]
        if not names:
            raise Refused(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is "
                          "missing", {"param": "fields"})
        unknown = [n for n in names if n != "id" and n not in account.fields[module]]
        if unknown or len(names) > 50:
            raise Refused(400, "INVALID_DATA", "invalid data", {"api_name": (unknown or
                                                                             names)[0]})
        since = _since(request)
        rows = list(account.rows(module).values())
        if request.arg("ids") is not None:
            wanted = request.arg("ids", "").split(",")
            if len(wanted) > 100:
                raise Refused(400, "LIMIT_EXCEEDED", "limit exceeded", {"param": "ids"})
            rows = [r for r in rows if r["id"] in wanted]
        if since is not None:
            rows = [r for r in rows if _time(r["Modified_Time"]) > since]
        sort_by = request.arg("sort_by", "id")
        order = request.arg("sort_order", "desc")
        if sort_by not in SORTS or order not in ("asc", "desc"):
            raise Refused(400, "INVALID_DATA", "invalid data", {"param": "sort_by"})
        rows.sort(key=lambda r: (r[sort_by] if sort_by != "id" else int(r["id"]),
                                 int(r["id"])), reverse=order == "desc")
        per_page = _number(request, "per_page", MAX_PER_PAGE, MAX_PER_PAGE)
        start, page = self._start(request, account, per_page)
        chunk = rows[start:start + per_page]
        if not chunk:
            return _empty(since)
        more = start + per_page < len(rows)
        token = secrets.token_hex(16) if more else None
        if token:
            account.page_tokens[token] = start + per_page
        data = [{"id": r["id"], **{n: r.get(n) for n in names if n != "id"}} for r in chunk]
        return Response.json({"data": data, "info": {
            "per_page": per_page, "count": len(chunk), "page": page, "sort_by": sort_by,
            "sort_order": order, "more_records": more, "next_page_token": token,
            "previous_page_token": None,
            "page_token_expiry": (self.now() + dt.timedelta(days=1)).isoformat() if token
            else None}})

    def _start(self, request, account, per_page: int) -> tuple[int, int]:
        """(offset, page number): `page` up to 2,000 records, `page_token` beyond."""
        token = request.arg("page_token")
        if token is not None:
            if request.arg("page") is not None or token not in account.page_tokens:
                raise Refused(400, "INVALID_DATA", "invalid data", {"param": "page_token"})
            offset = account.page_tokens[token]
            return offset, offset // per_page + 1
        page = _number(request, "page", 1, 10_000)
        if page * per_page > DISCRETE_LIMIT:
            raise Refused(400, "DISCRETE_PAGINATION_LIMIT_EXCEEDED",
                          "Cannot fetch more than 2000 records. Please use the \"page_token\" "
                          "param for fetching records beyond 2000.", {})
        return (page - 1) * per_page, page

    @route("GET", "/crm/v8/{module}/deleted")
    @refusing
    def deleted(self, request, account, module):
        _only(request, {"type", "page", "per_page"})
        _module(account, module)
        kind = request.arg("type", "all")
        if kind not in ("all", "recycle", "permanent"):
            raise Refused(400, "INVALID_DATA", "invalid data", {"param": "type"})
        since = _since(request)
        rows = [d for d in account.deleted.get(module, [])
                if kind in ("all", d["type"]) and (since is None or
                                                   _time(d["deleted_time"]) > since)]
        rows.sort(key=lambda d: (d["deleted_time"], d["id"]), reverse=True)
        per_page = _number(request, "per_page", MAX_PER_PAGE, MAX_PER_PAGE)
        page = _number(request, "page", 1, 10_000)
        chunk = rows[(page - 1) * per_page:page * per_page]
        if not chunk:
            return _empty(since)
        return Response.json({"data": chunk, "info": {
            "per_page": per_page, "count": len(chunk), "page": page,
            "more_records": page * per_page < len(rows)}})

    # --- writes ---------------------------------------------------------------------------

    def _batch(self, request, account, module) -> list:
        _only(request, set())
        _module(account, module)
        body = request.json()
        if not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise Refused(400, "INVALID_DATA", "invalid data", {"api_name": "data"})
        extra = set(body) - {"data", "trigger"}
        if extra:
            raise Refused(400, "INVALID_REQUEST", "unsupported key in the body",
                          {"key": sorted(extra)[0]})
        if not body["data"] or len(body["data"]) > MAX_BATCH:
            raise Refused(400, "LIMIT_EXCEEDED", "Records limit exceeded", {"limit": MAX_BATCH})
        return body["data"]

    @route("POST", "/crm/v8/{module}")
    @refusing
    def insert(self, request, account, module):
        items = []
        for index, record in enumerate(self._batch(request, account, module)):
            items.append(self._write_one(account, module, index, record, None))
        return _answer(items, 201)

    @route("PUT", "/crm/v8/{module}")
    @refusing
    def update(self, request, account, module):
        items = []
        for index, record in enumerate(self._batch(request, account, module)):
            record_id = record.get("id") if isinstance(record, dict) else None
            existing = account.rows(module).get(str(record_id)) if record_id else None
            if record_id is None:
                items.append(ItemError("MANDATORY_NOT_FOUND", "required field not found", {
                    "api_name": "id", "json_path": f"$.data[{index}].id"}).item)
            elif existing is None:
                items.append(ItemError("INVALID_DATA", "the id given seems to be invalid", {
                    "api_name": "id", "id": str(record_id)}).item)
            else:
                items.append(self._write_one(account, module, index, record, existing))
        return _answer(items, 200)

    def _write_one(self, account, module, index, record, existing) -> dict:
        if not isinstance(record, dict):
            return ItemError("INVALID_DATA", "invalid data", {"json_path": f"$.data[{index}]"}
                             ).item
        try:
            values = check(account, module, index, record, existing)
        except ItemError as refused:
            return refused.item
        if module in {"Contacts", "Leads"}:
            merged = {**(existing or {}), **values}
            values["Full_Name"] = " ".join(filter(None, (merged.get("First_Name"),
                                                          merged.get("Last_Name"))))
        if existing is None:
            row = account.add(module, values, self.now())
            message = "record added"
        else:
            row = account.change(existing, values, self.now())
            message = "record updated"
        who = {"name": account.user["name"], "id": account.user["id"]}
        return {"code": "SUCCESS", "details": {
            "Modified_Time": row["Modified_Time"], "Modified_By": who,
            "Created_Time": row["Created_Time"], "id": row["id"], "Created_By": who},
            "message": message, "status": "success"}

    @route("DELETE", "/crm/v8/{module}")
    @refusing
    def delete_records(self, request, account, module):
        _only(request, {"ids", "wf_trigger"})
        _module(account, module)
        ids = [i for i in (request.arg("ids") or "").split(",") if i]
        if not ids:
            raise Refused(400, "REQUIRED_PARAM_MISSING", "One of the expected parameter is "
                          "missing", {"param": "ids"})
        if len(ids) > MAX_BATCH:
            raise Refused(400, "LIMIT_EXCEEDED", "Records limit exceeded", {"limit": MAX_BATCH})
        items = []
        for record_id in ids:
            if record_id not in account.rows(module):
                items.append({"code": "INVALID_DATA", "details": {"id": record_id},
                              "message": "record not deleted", "status": "error"})
                continue
            account.remove(module, record_id, self.now())
            items.append({"code": "SUCCESS", "details": {"id": record_id},
                          "message": "record deleted", "status": "success"})
        return _answer(items, 200)


def _answer(items: list[dict], success_status: int) -> Response:
    """All succeeded: 201/200; some failed: 207 Multi-Status; all failed: 400."""
    failed = sum(1 for item in items if item["status"] != "success")
    status = success_status if not failed else 400 if failed == len(items) else 207
    return Response.json({"data": items}, status)
