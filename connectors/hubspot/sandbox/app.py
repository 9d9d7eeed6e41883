"""The HubSpot sandbox: an emulated api.hubapi.com plus app.hubspot.com's consent page
and record pages.

Faithful where the connector depends on it: paths, payloads and status codes as
the official Python client (hubspot-api-client) parses them; HubSpot's error
bodies; 429s without Retry-After, naming their policy; the separate search rate
limit; OAuth with form-body client credentials, refresh tokens that do not
rotate, and HubSpot's own token error shape. See ../BEHAVIOR.md.
"""

import json
import time
import uuid

from connectors.hubspot.sandbox.definitions import DefinitionRoutes
from connectors.hubspot.sandbox.links import LinkRoutes
from connectors.hubspot.sandbox.objects import ObjectRoutes
from connectors.hubspot.sandbox.pages import RecordPages
from connectors.hubspot.sandbox.routing import require_scope
from connectors.hubspot.sandbox.schema import scopes_for
from connectors.hubspot.sandbox.seed import seed
from connectors.hubspot.sandbox.validate import HubSpotError
from connectors.hubspot.sandbox.webhooks import (
    SANDBOX_APP_ID,
    SANDBOX_DEVELOPER_API_KEY,
    AppWebhooks,
    WebhookRoutes,
)
from connectors.sdk.sandbox import Response, Sandbox
from connectors.sdk.sandbox.limits import Limits, Verdict

_CATEGORY_BY_STATUS = {400: "VALIDATION_ERROR", 401: "INVALID_AUTHENTICATION",
                       403: "MISSING_SCOPES", 404: "OBJECT_NOT_FOUND", 409: "CONFLICT",
                       429: "RATE_LIMITS"}
# RFC 6749 errors from the shared OAuth provider -> HubSpot's token error statuses.
_TOKEN_STATUS = {"invalid_client": "BAD_CLIENT_ID", "unsupported_grant_type": "BAD_GRANT_TYPE"}


class HubSpotSandbox(ObjectRoutes, LinkRoutes, DefinitionRoutes, RecordPages, WebhookRoutes,
                     Sandbox):
    key = "hubspot"
    name = "HubSpot"
    authorize_path = "/oauth/authorize"  # app.hubspot.com/oauth/authorize
    token_path = "/oauth/v1/token"  # noqa: S105 - api.hubapi.com/oauth/v1/token
    revoke_path = ""  # no RFC 7009 endpoint: DELETE /oauth/v1/refresh-tokens/<token>
    access_token_ttl = 1800  # HubSpot access tokens live 30 minutes
    # The app in the sandbox's developer account, for its webhook settings (webhooks.py).
    developer_app_id = str(SANDBOX_APP_ID)
    developer_api_key = SANDBOX_DEVELOPER_API_KEY

    def __init__(self, *, rate: tuple[int, float] | None = None, seed: bool = True,
                 search_rate: tuple[int, float] | None = (5, 1.0)):
        self.search_rate = search_rate  # HubSpot's search limit, per token
        self._searches = Limits("rolling_window")
        self.app_webhooks = AppWebhooks()  # the app's webhook settings (webhooks.py)
        super().__init__(rate=rate, seed=seed)

    def seed(self) -> None:
        seed(self, int(time.time() * 1000))

    def scopes_offered(self) -> list[str]:
        return ["crm.objects.contacts.read", "crm.objects.contacts.write"]

    # --- HubSpot's error and rate-limit bodies ----------------------------------------

    def error(self, status: int, message: str, **extra) -> Response:
        category = _CATEGORY_BY_STATUS.get(status, "INTERNAL_ERROR" if status >= 500
                                           else "VALIDATION_ERROR")
        return Response.json(HubSpotError(status, message, category, **extra).body(), status)

    def rate_limit_response(self, retry_after: int) -> Response:
        """HubSpot's 429: no Retry-After; the policy and the window in headers and body.
        https://developers.hubspot.com/docs/api/usage-details#rate-limits"""
        limit, per = self.rate or (100, 10.0)
        daily = per >= 86_400
        body = {"status": "error", "message": "You have reached your "
                f"{'daily' if daily else 'ten_secondly_rolling'} limit.",
                "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()),
                "policyName": "DAILY" if daily else "TEN_SECONDLY_ROLLING",
                "requestId": str(uuid.uuid4())}
        headers = {"X-HubSpot-RateLimit-Max": str(limit),
                   "X-HubSpot-RateLimit-Remaining": "0",
                   "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(per * 1000))}
        return Response.json(body, 429, headers)

    def rate_headers(self, verdict: Verdict) -> dict[str, str]:
        """Sent on every answer under a limit, so a client may pace itself by them."""
        _limit, per = self.rate or (100, 10.0)
        return {"X-HubSpot-RateLimit-Max": str(verdict.limit),
                "X-HubSpot-RateLimit-Remaining": str(verdict.remaining),
                "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(per * 1000))}

    def search_limited(self, token: str) -> Response | None:
        """The search endpoints' own limit (about 5 a second per token): 429 SECONDLY."""
        if not self.search_rate:
            return None
        limit, per = self.search_rate
        if not self._searches.check(token, limit, per, time.time()).allowed:
            return Response.json({
                "status": "error", "message": "You have reached your secondly limit.",
                "errorType": "RATE_LIMIT", "correlationId": str(uuid.uuid4()),
                "policyName": "SECONDLY", "requestId": str(uuid.uuid4())}, 429)
        return None

    # --- scopes -----------------------------------------------------------------------

    def need(self, request, object_type: str, *, write: bool) -> None:
        self.need_any(request, scopes_for(object_type, write))

    def need_any(self, request, scopes: set[str]) -> None:
        issued = self.access_tokens.get(request.bearer or "")
        require_scope(issued.scope if issued else "", scopes)

    # --- OAuth as HubSpot does it ------------------------------------------------------

    def _client(self, request, form):
        """HubSpot reads client_id and client_secret from the form body only."""
        client_id, secret = form.get("client_id", ""), form.get("client_secret")
        known = client_id in self.clients and self.clients[client_id] == secret
        return client_id if known else None

    def _refresh(self, form):
        """HubSpot's refresh tokens do not rotate: the same one comes back."""
        refresh = form.get("refresh_token", "")
        issued = self.refresh_tokens.get(refresh)
        if issued is None:
            return Response.json({"error": "invalid_grant",
                                  "error_description": "missing or invalid refresh token"}, 400)
        response = self._issue(issued.account_id, issued.scope)
        body = json.loads(response.body)
        self.refresh_tokens.pop(body["refresh_token"], None)
        body["refresh_token"] = refresh
        return Response.json(body, headers={"Cache-Control": "no-store"})

    def _token(self, request):
        """HubSpot's token errors: 400 {"status": "BAD_REFRESH_TOKEN", "message": …}.
        https://developers.hubspot.com/docs/api/oauth/tokens"""
        response = super()._token(request)
        try:
            rfc = json.loads(response.body) if response.status >= 400 else {}
        except ValueError:
            return response  # an injected failure (tests): pass it on as it is
        if "error" not in rfc:
            return response
        grant = request.form().get("grant_type")
        status = _TOKEN_STATUS.get(str(rfc.get("error")), "BAD_REFRESH_TOKEN"
                                   if grant == "refresh_token" else "BAD_AUTH_CODE")
        return Response.json({"status": status, "message": rfc.get("error_description", ""),
                              "correlationId": str(uuid.uuid4())}, 400)
