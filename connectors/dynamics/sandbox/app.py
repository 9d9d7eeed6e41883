"""A stateful emulator of Dynamics 365: the Microsoft sign-in (identity.py), the
Global Discovery Service and table definitions (catalog.py), and here each
environment's rows through the Dataverse Web API.

Environments live under `/<urlname>/api/data/v9.2/` (standing in for
`https://<urlname>.crm.dynamics.com/api/data/v9.2/`); discovery under
`/globaldisco/api/discovery/v2.0/`; sign-in under `/organizations/oauth2/v2.0/`
and, for the client credentials grant, `/<tenant id>/oauth2/v2.0/`.
Two environments are seeded, Contoso and Fabrikam, each with its own admin
(admin@contoso.example / admin@fabrikam.example, password "sandbox") and data.
BEHAVIOR.md lists what is implemented; everything else is refused in Dataverse's
error shape.
"""

import copy
import datetime as dt
import json
import re
from dataclasses import replace

from connectors.dynamics.sandbox import webhooks
from connectors.dynamics.sandbox.batch import BatchFormatError, ChangeSet, join, split
from connectors.dynamics.sandbox.catalog import Catalog
from connectors.dynamics.sandbox.identity import MicrosoftSignIn
from connectors.dynamics.sandbox.pages import RecordPages
from connectors.dynamics.sandbox.query import preferences
from connectors.dynamics.sandbox.reads import (
    Query,
    page_size,
    read_collection,
    refuse_with_tracking,
    render,
)
from connectors.dynamics.sandbox.routing import (
    API,
    NOTHING,
    REGISTRATIONS,
    ROW,
    ROWS,
    TARGET,
    WRITE,
    answers,
    check_options,
    environment_of,
    web_api,
)
from connectors.dynamics.sandbox.schema import TABLES, Table
from connectors.dynamics.sandbox.seed import seed_environments
from connectors.dynamics.sandbox.store import DataverseError, Environment, not_found, now_text
from connectors.sdk.sandbox import Request, Response, Sandbox, route

_STATUS_CODES = {400: "0x80040203", 403: "0x80040220", 404: "0x80060888", 405: "0x80060888",
                 412: "0x80060882", 500: "0x80040216", 503: "0x80040216", 504: "0x80040216"}
ODATA_JSON = "application/json; odata.metadata=minimal"  # as Dataverse labels its errors
PRIVILEGE = {"GET": "Read", "POST": "Create", "PATCH": "Write", "DELETE": "Delete"}


class DynamicsSandbox(MicrosoftSignIn, Catalog, RecordPages, Sandbox):
    key = "dynamics"
    name = "Microsoft Dynamics 365"
    authorize_path = "/organizations/oauth2/v2.0/authorize"
    token_path = "/organizations/oauth2/v2.0/token"  # noqa: S105 - a URL path
    revoke_path = None  # the Microsoft identity platform has no revocation endpoint

    def seed(self) -> None:
        seed_environments(self)

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def scopes_offered(self) -> list[str]:
        return ["https://globaldisco.crm.dynamics.com/user_impersonation", "offline_access"]

    def token_extras(self, account) -> dict:
        return {"ext_expires_in": self.access_token_ttl}

    # --- Dataverse's answers ---------------------------------------------------------

    def error(self, status: int, message: str, code: str | None = None, **extra) -> Response:
        if status == 401:  # an unaccepted token: no body, a challenge header
            return Response(401, b"", {"WWW-Authenticate": (
                "Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/"
                "authorize, resource_id=https://globaldisco.crm.dynamics.com/")})
        body = {"error": {"code": code or _STATUS_CODES.get(status, "0x80040216"),
                          "message": message}}
        response = Response.json(body, status)
        response.headers["Content-Type"] = ODATA_JSON
        return response

    def rate_limit_response(self, retry_after: int) -> Response:
        response = self.error(429, "Number of requests exceeded the limit of 6000 over time "
                                   "window of 300 seconds.", code="0x80072322")
        response.headers["Retry-After"] = str(retry_after)
        return response

    def rate_key(self, request: Request, account) -> str:
        """Service protection counts per user, whatever token the user holds.
        https://learn.microsoft.com/power-apps/developer/data-platform/api-limits"""
        return account.login

    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        if "/api/" in request.path:
            response.headers.setdefault("OData-Version", "4.0")
        return response

    # --- the Web API's rows -------------------------------------------------------------

    @route("GET", API + "/{target}")
    @answers
    def get(self, request: Request, account: Environment, org: str, target: str) -> Response:
        env = environment_of(account, org)
        name, key = self._parse(target)
        base = web_api(request, org)
        if name in {"WhoAmI", "WhoAmI()"}:
            check_options(request, NOTHING)
            return Response.json({
                "@odata.context": f"{base}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse",
                "BusinessUnitId": env.business_unit_id, "UserId": env.user_id,
                "OrganizationId": env.id})
        if name in webhooks.SETS and key is None:
            rows = webhooks.read(env, name, check_options(request, REGISTRATIONS))
            return Response.json({"@odata.context": f"{base}/$metadata#{name}", "value": rows})
        table = self._table(name, env, "GET")
        prefer = preferences(request.headers.get("prefer", ""))
        refuse_with_tracking(request.query, prefer)
        args = check_options(request, ROWS if key is None else ROW)
        query = Query(table, args, prefer, base)
        if key is not None:
            row = env.store.rows(table).get(self._key(table, key))
            if row is None:
                raise not_found(table.logical, key)
            return Response.json({"@odata.context": f"{base}/$metadata#{table.set_name}/$entity",
                                  **query.render(row)})
        body = read_collection(env.store, query, self.now())
        applied = _applied(prefer)
        return Response.json(body, headers={"Preference-Applied": applied} if applied else {})

    @route("POST", API + "/{target}")
    @answers
    def post(self, request: Request, account: Environment, org: str, target: str) -> Response:
        env = environment_of(account, org)
        if target == "$batch":
            check_options(request, NOTHING)
            return self._batch(request, env)
        name, key = self._parse(target)
        check_options(request, WRITE)
        if key is not None:
            return self.error(405, "POST is not supported on a single row; use PATCH.")
        if name in webhooks.SETS:
            return self._registered(request, org, env, name)
        table = self._table(name, env, "POST")
        row = env.store.create(table, _json(request, table), now_text(self.now))
        webhooks.announce(self, env, table, "Create", row[table.primary_id])
        return self._written(request, org, table, row, created=True)

    @route("PATCH", API + "/{target}")
    @answers
    def patch(self, request: Request, account: Environment, org: str, target: str) -> Response:
        env = environment_of(account, org)
        name, key = self._parse(target)
        check_options(request, WRITE)
        if name in webhooks.SETS:
            return self.error(405, f"This sandbox does not update {name}.")
        table = self._table(name, env, "PATCH")
        if key is None:
            return self.error(405, "PATCH needs a row: /entityset(id).")
        row_id = self._key(table, key)
        row = env.store.rows(table).get(row_id)
        self._check_conditions(request, table, row, row_id)
        payload = _json(request, table)
        if row is None:  # no If-Match: PATCH creates the row (an upsert)
            row = env.store.create(table, {**payload, table.primary_id: row_id},
                                   now_text(self.now))
            webhooks.announce(self, env, table, "Create", row_id)
        else:
            env.store.update(table, row, payload, now_text(self.now))
            webhooks.announce(self, env, table, "Update", row_id)
        return self._written(request, org, table, row, created=False)

    @route("DELETE", API + "/{target}")
    @answers
    def delete(self, request: Request, account: Environment, org: str, target: str) -> Response:
        env = environment_of(account, org)
        name, key = self._parse(target)
        check_options(request, NOTHING)
        if name in webhooks.SETS:
            webhooks.delete(env, name, self._key(None, key or ""))
            return Response(204)
        table = self._table(name, env, "DELETE")
        row_id = self._key(table, key or "")
        row = env.store.rows(table).get(row_id)
        if row is None:
            raise not_found(table.logical, row_id)
        _check_version(request, row)
        env.store.delete(table, row_id, now_text(self.now))
        webhooks.announce(self, env, table, "Delete", row_id)
        return Response(204)

    # --- helpers -----------------------------------------------------------------------

    @staticmethod
    def _parse(target: str) -> tuple[str, str | None]:
        found = TARGET.match(target)
        if not found:
            raise DataverseError(400, "0x80060888", f"Bad Request - Error in query syntax: "
                                                    f"'{target}'.")
        return found.group("name"), found.group("key")

    def _table(self, name: str, env: Environment, method: str) -> Table:
        table = TABLES.get(name)
        if table is None:
            raise DataverseError(404, "0x80060888", f"Resource not found for the segment "
                                                    f"'{name}'.")
        privilege = f"prv{PRIVILEGE[method]}{table.schema_name}"
        if privilege in env.denied:
            raise DataverseError(403, "0x80040220", (
                f"Principal user (Id={env.user_id}, type=8, roleCount=1, privilegeCount=612, "
                f"accessMode=0), is missing {privilege} privilege on OTC=1 for entity "
                f"'{table.logical}'."))
        return table

    @staticmethod
    def _key(table: Table | None, key: str) -> str:
        text = key.split("=", 1)[-1].strip("'")
        if not re.fullmatch(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}", text):
            raise DataverseError(400, "0x80060888", "Bad Request - Error in query syntax.")
        return text.lower()

    @staticmethod
    def _check_conditions(request: Request, table: Table, row: dict | None, row_id: str):
        """If-Match / If-None-Match, as Dataverse applies them to a PATCH."""
        if_match = request.headers.get("if-match")
        if request.headers.get("if-none-match") == "*" and row is not None:
            raise DataverseError(412, "0x80040237", "A record with matching key values "
                                                    "already exists.")
        if if_match and row is None:
            raise not_found(table.logical, row_id)
        if row is not None:
            _check_version(request, row)

    def _written(self, request, org, table, row, *, created: bool) -> Response:
        base = web_api(request, org)
        entity_id = f"{base}/{table.set_name}({row[table.primary_id]})"
        prefer = preferences(request.headers.get("prefer", ""))
        if prefer.get("return") != "representation":
            return Response(204, b"", {"OData-EntityId": entity_id})
        query = Query(table, {k: v[0] for k, v in request.query.items()}, prefer, base)
        body = {"@odata.context": f"{base}/$metadata#{table.set_name}/$entity",
                **render(table, row, query.select, annotate=False)}
        return Response.json(body, 201 if created else 200, headers={
            "OData-EntityId": entity_id, "Preference-Applied": "return=representation"})

    def _registered(self, request: Request, org: str, env: Environment, name: str) -> Response:
        """A webhook registration row made (webhooks.py), answered as any create."""
        try:
            body = json.loads(request.body or b"null")
        except ValueError:
            return self.error(400, "The body is not valid JSON.", code="0x80048d19")
        id_key, row = webhooks.create(env, name, body)
        entity_id = f"{web_api(request, org)}/{name}({row['id']})"
        if preferences(request.headers.get("prefer", "")).get("return") != "representation":
            return Response(204, b"", {"OData-EntityId": entity_id})
        env.store.version += 1  # a new row takes the next row version, as any other
        return Response.json({"@odata.context": f"{web_api(request, org)}/$metadata#{name}"
                              "/$entity", "@odata.etag": f'W/"{env.store.version}"',
                              id_key: row["id"]}, 201, headers={
            "OData-EntityId": entity_id, "Preference-Applied": "return=representation"})

    def _batch(self, request: Request, env: Environment) -> Response:
        try:
            items = split(request.headers.get("content-type", ""), request.body, request)
        except BatchFormatError as exc:
            return self.error(400, str(exc), code="0x80048d19")
        keep_going = "odata.continue-on-error" in preferences(request.headers.get("prefer", ""))
        results: list[tuple[str | None, Response]] = []
        for item in items:
            answered = self._changeset(env, item) if isinstance(item, ChangeSet) else [
                (item.content_id, self.handle(replace(item.request, inner=True)))]
            results.extend(answered)
            if not keep_going and any(r.status >= 400 for _cid, r in answered):
                break
        reply = join(results)
        if keep_going:
            reply.headers["Preference-Applied"] = "odata.continue-on-error"
        return reply

    def _changeset(self, env: Environment, changeset: ChangeSet):
        """All of a change set's requests, or none: on a failure the store is put
        back and the failure is the change set's only answer."""
        saved, announced = copy.deepcopy(env.store), len(self.outbox)
        results = []
        for part in changeset.parts:
            answer = self.handle(replace(part.request, inner=True))
            if answer.status >= 400:
                env.store = saved
                del self.outbox[announced:]  # a rolled-back change fires no step
                return [(part.content_id, answer)]
            results.append((part.content_id, answer))
        return results

    # --- test controls -------------------------------------------------------------------

    def environments(self) -> list[Environment]:
        """The accounts, each an environment (the base Sandbox types them as accounts)."""
        return [a for a in self.accounts.values() if isinstance(a, Environment)]

    def environment(self, url_name: str) -> Environment:
        return next(a for a in self.environments() if a.url_name == url_name)

    def expire_delta_tokens(self) -> None:
        """Make every delta link handed out so far too old, as after 90 days."""
        with self.lock:
            for env in self.environments():
                env.store.version += 1
                env.store.oldest_valid_delta = env.store.version


def _check_version(request: Request, row: dict) -> None:
    """Optimistic concurrency on an update or a delete: `If-Match` with an ETag other
    than the row's current one is refused, and the row left as it is.
    https://learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api#apply-optimistic-concurrency"""
    tags = {tag.strip() for tag in request.headers.get("if-match", "").split(",") if tag.strip()}
    if tags and "*" not in tags and f'W/"{row["versionnumber"]}"' not in tags:
        raise DataverseError(412, "0x80060882", "The version of the existing record doesn't "
                                                "match the RowVersion property provided.")


def _json(request: Request, table: Table):
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        raise DataverseError(400, "0x80048d19", "Error identified in Payload provided by the "
                                                f"user for Entity :'{table.set_name}'. The "
                                                "body is not valid JSON.") from None


def _applied(prefer: dict[str, str]) -> str:
    """The preferences a read honoured, for `Preference-Applied` (an ignored page size
    is not among them)."""
    names = ("odata.track-changes", "odata.include-annotations")
    applied = [f"{n}={prefer[n]}" if prefer[n] else n for n in names if n in prefer]
    size = page_size(prefer)
    return ",".join([f"odata.maxpagesize={size}"] * (size is not None) + applied)


def create_sandbox(**kwargs) -> DynamicsSandbox:
    return DynamicsSandbox(**kwargs)
