"""What every part of the Pipedrive sandbox stands on: its companies and clock,
Pipedrive's error and rate-limit shapes, OAuth's extras, the two ways to authenticate
(an OAuth bearer token, or a user's personal `api_token`) and the scopes each grants,
and the record changes the API and the app's pages share.
"""

import datetime as dt
import secrets
import time

from connectors.pipedrive.sandbox import records, store
from connectors.pipedrive.sandbox.rules import Invalid, validate
from connectors.pipedrive.sandbox.seed import COMPANIES
from connectors.pipedrive.sandbox.store import PipedriveCompany
from connectors.pipedrive.sandbox.webhooks import announce, snapshot
from connectors.sdk.sandbox import Response, Sandbox
from connectors.sdk.sandbox.limits import Verdict
from connectors.sdk.sandbox.oauth import IssuedToken

ERROR_INFO = "Please check developers.pipedrive.com for more information about Pipedrive API."
SINGULAR = {"persons": "Person", "organizations": "Organization", "deals": "Deal",
            "products": "Product", "activities": "Activity", "notes": "Note"}
# The scope families that reach each object (GET: :read or :full; writes: :full).
SCOPES = {"persons": ("contacts",), "organizations": ("contacts",), "deals": ("deals",),
          "products": ("products",), "activities": ("activities",),
          "notes": ("contacts", "deals")}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PipedriveCore(Sandbox[PipedriveCompany]):
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

    # --- authentication: an OAuth bearer token, or a user's personal API token -----------
    # The API token goes in the `api_token` query parameter (or the `x-api-token` header
    # of the published spec) and acts as its user, with no scopes to limit it.
    # https://pipedrive.readme.io/docs/how-to-find-the-api-token

    @staticmethod
    def api_token(request) -> str | None:
        return request.arg("api_token") or request.headers.get("x-api-token") or None

    def account_for_request(self, request) -> PipedriveCompany | None:
        if request.bearer is not None:
            return self.account_for_token(request.bearer)
        token = self.api_token(request)
        return next((company for company in self.accounts.values()
                     if token and token in company.api_tokens), None)

    def unauthorized(self, request) -> Response:
        # The body every endpoint of the published spec documents for a 401.
        return self.error(401, "unauthorized access")

    def rate_key(self, request, account) -> str:
        return request.bearer or self.api_token(request) or ""

    def granted(self, request) -> set[str] | None:
        """The OAuth token's scopes; None: an API token, which reaches everything."""
        if request.bearer is None and self.api_token(request):
            return None
        issued = self.access_tokens.get(request.bearer or "")
        return set((issued.scope if issued else "").replace(",", " ").split())

    def require(self, request, scopes: tuple[str, ...]) -> None:
        granted = self.granted(request)
        if granted is not None and not granted & set(scopes):
            raise Invalid("Scope and URL mismatch", status=403)

    def require_object(self, request, object_name: str, write: bool) -> None:
        levels = ("full",) if write else ("read", "full")
        self.require(request, tuple(f"{family}:{level}" for family in SCOPES[object_name]
                                    for level in levels))

    def found(self, account, object_name: str, item_id: str) -> dict:
        record = account.live(object_name, item_id)
        if record is None:
            raise Invalid(f"{SINGULAR[object_name]} not found", status=404)
        return record

    # The app's own pages (pages.py) edit and delete through these two, so their
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
