"""The Salesforce sandbox: one org instance's REST API, login.salesforce.com's OAuth
endpoints and consent page, and the Lightning record pages the connector links to.

Faithful where the connector depends on it: paths below /services/data/vXX.X,
Salesforce's error bodies (a JSON list of {"message", "errorCode"}), the daily API
budget counted over 24 hours and reported in Sforce-Limit-Info, REQUEST_LIMIT_EXCEEDED
once it is spent, and OAuth with PKCE whose token reply names the org's instance_url
and identity `id`, carries no expires_in, and whose refresh tokens do not rotate.
See ../BEHAVIOR.md.
"""

import json
import time

from connectors.salesforce.sandbox.collections import CollectionRoutes
from connectors.salesforce.sandbox.routes import RestRoutes, errors
from connectors.salesforce.sandbox.seed import seed
from connectors.salesforce.sandbox.store import Org
from connectors.sdk.sandbox import Request, Response, route
from connectors.sdk.sandbox.app_pages import record_missing, record_page
from connectors.sdk.sandbox.oauth import IssuedToken, _oauth_error

_CODES = {400: "MALFORMED_QUERY", 401: "INVALID_SESSION_ID", 403: "INSUFFICIENT_ACCESS",
          404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED", 500: "UNKNOWN_EXCEPTION",
          503: "SERVER_UNAVAILABLE", 504: "SERVER_UNAVAILABLE"}


class SalesforceSandbox(CollectionRoutes, RestRoutes):
    key = "salesforce"
    name = "Salesforce"
    authorize_path = "/services/oauth2/authorize"
    token_path = "/services/oauth2/token"  # noqa: S105 - a URL path
    revoke_path = "/services/oauth2/revoke"
    access_token_ttl = 7200  # the org's session timeout: two hours by default

    def __init__(self, *, rate: tuple[int, float] | None = None, seed: bool = True):
        self.locators: dict = {}  # query locator -> the result it pages through
        self._root = ""  # where the token endpoint was called: the instance's root
        super().__init__(rate=rate, seed=seed)

    def seed(self) -> None:
        seed(self)

    def clock(self) -> float:
        return time.time()

    def scopes_offered(self) -> list[str]:
        return ["api", "refresh_token"]

    # --- Salesforce's shapes ------------------------------------------------------------

    def error(self, status: int, message: str, **extra) -> Response:
        return errors(status, extra.get("code") or _CODES.get(status, "UNKNOWN_EXCEPTION"),
                      message)

    def unauthorized(self, request: Request) -> Response:
        return errors(401, "INVALID_SESSION_ID", "Session expired or invalid")

    def rate_limit_response(self, retry_after: int) -> Response:
        """Salesforce has no per-second 429: a spent allowance answers 403."""
        return errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")

    def handle(self, request: Request) -> Response:
        # Salesforce serves its resources with and without a trailing slash.
        if request.path.startswith("/services/data/") and request.path.endswith("/"):
            request.path = request.path.rstrip("/")
        return super().handle(request)

    # --- OAuth: instance_url and id in the token reply, no rotation -------------------

    def _issue(self, account_id: str, scope: str, *, refresh: bool = True):
        response = super()._issue(account_id, scope)
        data = json.loads(response.body)
        org: Org = self.accounts[account_id]
        data.pop("expires_in", None)
        if not refresh:
            self.refresh_tokens.pop(data.pop("refresh_token"), None)
        data.update(instance_url=self._root, issued_at=str(int(time.time() * 1000)),
                    id=f"{self._root}/id/{org.org_id}/{org.user_id}", signature="sandbox")
        return Response.json(data, headers={"Cache-Control": "no-store"})

    def _refresh(self, form):
        issued: IssuedToken | None = self.refresh_tokens.get(form.get("refresh_token", ""))
        if issued is None:
            return _oauth_error("invalid_grant", "expired access/refresh token")
        return self._issue(issued.account_id, issued.scope, refresh=False)

    def _token(self, request):
        self._root = request.root
        return super()._token(request)

    # --- the identity of the token --------------------------------------------------------

    @route("GET", "/services/oauth2/userinfo")
    def userinfo(self, request, account: Org):
        return Response.json({
            "sub": f"{request.root}/id/{account.org_id}/{account.user_id}",
            "user_id": account.user_id, "organization_id": account.org_id,
            "preferred_username": account.login, "nickname": account.login.split("@")[0],
            "name": f"{account.name} admin", "email": account.login, "email_verified": True,
            "user_type": "STANDARD", "active": True,
        })

    # --- Lightning record pages ----------------------------------------------------------

    @route("GET", "/lightning/r/{sobject}/{record_id}/view", auth=False)
    def record_page(self, request, sobject, record_id):
        with self.lock:
            record = next((a.live(sobject, record_id) for a in self.accounts.values()
                           if sobject in a.data and a.live(sobject, record_id)), None)
            record = dict(record) if record else None
        if record is None:
            return record_missing("Salesforce", sobject)
        person = " ".join(filter(None, (record.get("FirstName"), record.get("LastName"))))
        title = person or record.get("Name") or record.get("Subject") or record_id
        details = sorted((k, v) for k, v in record.items()
                         if v not in (None, "") and k not in ("IsDeleted",))
        return record_page(vendor="Salesforce", title=title, details=details, kind=sobject)
