"""Zoho's accounts servers, one per data centre, and what every sandbox part stands on.

Consent starts at accounts.zoho.com for everyone; the redirect back carries `code`,
`state`, `location` and `accounts-server`, and the code is good only at that data
centre's token endpoint. The token endpoint takes the client's id and secret in the
form, answers errors with HTTP 200 and `{"error": "invalid_code"}` (Zoho's shape, not
RFC 6749's), names the API host in `api_domain`, and never rotates the refresh
token (a refresh answers no new one).
https://www.zoho.com/crm/developer/docs/api/v8/access-refresh.html
https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html
"""

import datetime as dt
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlsplit

from connectors.sdk.sandbox import Response, Sandbox
from connectors.sdk.sandbox.oauth import IssuedToken
from connectors.zoho.datacentres import DATA_CENTRES, DEFAULT_HOST
from connectors.zoho.sandbox.store import ZohoOrg

HOSTS = {host: location for location, (host, _web) in DATA_CENTRES.items()}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def zoho_error(status: int, code: str, message: str, details: dict | None = None) -> Response:
    return Response.json({"code": code, "details": details or {}, "message": message,
                          "status": "error"}, status)


class ZohoCore(Sandbox[ZohoOrg]):
    key = "zoho"
    name = "Zoho CRM"
    authorize_path = f"/{DEFAULT_HOST}/oauth/v2/auth"
    token_path = f"/{DEFAULT_HOST}/oauth/v2/token"
    revoke_path = f"/{DEFAULT_HOST}/oauth/v2/token/revoke"

    def __init__(self, *, rate=None, seed: bool = True, clock=None):
        self.clock = clock or utc_now
        self._root = ""
        self._at = "us"  # the data centre whose accounts server the request reached
        super().__init__(rate=rate, seed=seed)

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC).replace(microsecond=0)

    def seed(self) -> None:
        from connectors.zoho.sandbox.seed import build_orgs  # noqa: PLC0415 - seed imports store

        for org in build_orgs(self.now()):
            self.add_account(org)

    # --- Zoho's shapes ----------------------------------------------------------------

    def error(self, status: int, message: str, **extra) -> Response:
        code = extra.pop("code", None) or {400: "INVALID_REQUEST", 401: "INVALID_TOKEN",
                                            404: "INVALID_URL_PATTERN",
                                            429: "TOO_MANY_REQUESTS"}.get(status, "INTERNAL_ERROR")
        if status == 404:
            message = "Please check if the URL trying to access is a correct one"
        return zoho_error(status, code, message, extra.pop("details", None))

    def unauthorized(self, request) -> Response:
        return zoho_error(401, "INVALID_TOKEN", "invalid oauth token")

    def rate_limit_response(self, retry_after: int) -> Response:
        response = zoho_error(429, "TOO_MANY_REQUESTS",
                              "The number of API requests has exceeded the limit.")
        response.headers["Retry-After"] = str(retry_after)
        return response

    def scopes_offered(self) -> list[str]:
        return ["ZohoCRM.modules.ALL", "ZohoCRM.settings.fields.READ", "ZohoCRM.org.READ"]

    # --- the token in Zoho's header: Authorization: Zoho-oauthtoken <token> -----------

    def account_for_request(self, request) -> ZohoOrg | None:
        value = request.headers.get("authorization", "")
        scheme, _sep, token = value.partition(" ")
        if scheme != "Zoho-oauthtoken":
            return None
        return self.account_for_token(token)

    def rate_key(self, request, account) -> str:
        return account.id

    # --- the accounts servers -----------------------------------------------------------

    def handle_oauth(self, request):
        self._root = request.root  # the API domain the token response names
        parts = request.path.split("/", 2)  # "", host, rest
        host = parts[1] if len(parts) > 2 else ""
        if host in HOSTS and parts[2] == "oauth/v2/token/revoke" and request.method == "POST":
            return self._revoke(request)
        if host in HOSTS and host != DEFAULT_HOST and request.method == "POST":
            rest = "/" + parts[2]
            if rest in ("/oauth/v2/token", "/oauth/v2/token/revoke"):
                shifted = type(request)(request.method, f"/{DEFAULT_HOST}{rest}", request.query,
                                        request.headers, request.body, request.root)
                self._at = HOSTS[host]
                try:
                    return super().handle_oauth(shifted)
                finally:
                    self._at = "us"
        self._at = "us"
        return super().handle_oauth(request)

    def _revoke(self, request):
        """POST /oauth/v2/token/revoke?token=<refresh token>: the grant is gone."""
        token = request.arg("token") or ""
        with self.lock:
            revoked = self.refresh_tokens.pop(token, None)
        if revoked is None:
            return Response.json({"status": "failure", "error": "invalid_token"}, 400)
        return Response.json({"status": "success"})

    def _decide(self, request):
        """Allow or deny; an allowed redirect names the account's data centre."""
        reply = super()._decide(request)
        location = reply.headers.get("Location", "")
        code = parse_qs(urlsplit(location).query).get("code", [""])[0]
        grant = self.codes.get(code)
        if grant is not None:
            org = self.accounts[grant.account_id]
            host = DATA_CENTRES[org.location][0]
            extra = {"location": org.location, "accounts-server": f"{request.root}/{host}"}
            reply.headers["Location"] = location + "&" + urlencode(extra)
        return reply

    def _token(self, request):
        if request.query:
            # Zoho documents the parameters in the query too; the sandbox takes the form.
            return Response.json({"error": "invalid_request"})
        form = request.form()
        grant = self.codes.get(form.get("code", "")) or self.refresh_tokens.get(
            form.get("refresh_token", ""))
        account_id = getattr(grant, "account_id", None)
        if account_id and self.accounts[account_id].location != self._at:
            return Response.json({"error": "invalid_code"})  # another data centre's grant
        reply = super()._token(request)
        return _zoho_token_error(reply)

    def _refresh(self, form):
        # Zoho keeps the refresh token until it is revoked; the answer holds none.
        issued = self.refresh_tokens.get(form.get("refresh_token", ""))
        if issued is None:
            return Response.json({"error": "invalid_code"})
        access = secrets.token_urlsafe(32)
        self.access_tokens[access] = IssuedToken(issued.account_id, issued.scope,
                                                 time.time() + self.access_token_ttl)
        return Response.json({"access_token": access, "scope": issued.scope,
                              "api_domain": self._api_domain, "token_type": "Bearer",
                              "expires_in": self.access_token_ttl})

    def token_extras(self, account) -> dict:
        return {"api_domain": self._api_domain}

    @property
    def _api_domain(self) -> str:
        return self._root


def _zoho_token_error(reply: Response) -> Response:
    """The SDK answers RFC 6749 errors (400 invalid_grant); Zoho answers 200 invalid_code."""
    if reply.status == 200:
        return reply
    import json  # noqa: PLC0415 - only on this path

    error = json.loads(reply.body or b"{}").get("error", "invalid_code")
    return Response.json({"error": "invalid_code" if error == "invalid_grant" else error})
