"""The vendor's side of OAuth 2 in a sandbox: consent page, token and revoke endpoints.

Faithful where it matters to the product: `state` is echoed back, PKCE (S256) is
verified, codes are single-use and expire, refresh tokens rotate (the old one
stops working), and errors come back as the RFC 6749 error parameters.
"""

import base64
import hashlib
import html
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlencode

from connectors.sdk.sandbox.messages import Response
from connectors.sdk.sandbox.page import consent_page

CODE_TTL_S = 120
SANDBOX_CLIENT_ID = "syncapp-sandbox-client"
SANDBOX_CLIENT_SECRET = "syncapp-sandbox-secret"  # noqa: S105 - a public test credential


class OAuthAccount(Protocol):
    """What the OAuth pages read of an account (core.SandboxAccount, without importing
    core, which imports this module)."""

    id: str
    name: str
    login: str


@dataclass
class Grant:
    account_id: str
    client_id: str
    redirect_uri: str
    scope: str
    challenge: str
    expires_at: float
    used: bool = False


@dataclass
class IssuedToken:
    account_id: str
    scope: str
    expires_at: float


class OAuthProvider:
    """The OAuth endpoints of a sandbox (core.Sandbox mixes this in and sets the
    vendor's name, its accounts and the lock)."""

    name: str
    accounts: "Mapping[str, OAuthAccount]"
    lock: threading.RLock
    authorize_path = "/oauth/authorize"
    token_path = "/oauth/token"  # noqa: S105 - a URL path
    revoke_path: str | None = "/oauth/revoke"  # None: the vendor has no revocation
    if TYPE_CHECKING:
        def account_by_login(self, login: str, password: str) -> "OAuthAccount | None": ...
    access_token_ttl = 3600
    clients = {SANDBOX_CLIENT_ID: SANDBOX_CLIENT_SECRET}

    def __init__(self) -> None:
        self.codes: dict[str, Grant] = {}
        self.access_tokens: dict[str, IssuedToken] = {}
        self.refresh_tokens: dict[str, IssuedToken] = {}
        self.token_calls = 0  # how many times the token endpoint was called
        # Tests set this to make the token endpoint misbehave (an outage, garbage).
        self.token_failure: Response | None = None

    # --- hooks ----------------------------------------------------------------------

    def token_extras(self, account) -> dict:
        """Vendor additions to the token response (e.g. Pipedrive's api_domain)."""
        return {}

    def scopes_offered(self) -> list[str]:
        return []

    # --- dispatch -------------------------------------------------------------------

    def handle_oauth(self, request):
        if request.path == self.authorize_path and request.method == "GET":
            return self._consent(request, error="")
        if request.path == self.authorize_path and request.method == "POST":
            return self._decide(request)
        if request.path == self.token_path and request.method == "POST":
            with self.lock:
                return self._token(request)
        if request.path == self.revoke_path and request.method == "POST":
            token = request.form().get("token", "")
            with self.lock:
                self.refresh_tokens.pop(token, None)
                self.access_tokens.pop(token, None)
            return Response(200)
        return None

    def account_for_token(self, token: str | None):
        issued = self.access_tokens.get(token or "")
        if issued is None or issued.expires_at < time.time():
            return None
        return self.accounts.get(issued.account_id)

    # --- consent ----------------------------------------------------------------------

    def _consent(self, request, error: str, params: dict | None = None):
        params = params or {k: v[0] for k, v in request.query.items()}
        if params.get("client_id") not in self.clients or not params.get("redirect_uri"):
            return Response.html(
                f"<h1>{html.escape(self.name)}</h1><p>Unknown application or redirect URI.</p>",
                400,
            )
        scopes = (params.get("scope") or "").replace(",", " ").split()
        page = consent_page(
            vendor=self.name, action=request.root + self.authorize_path, params=params,
            scopes=scopes or self.scopes_offered(), error=error,
            accounts=[(a.login, a.name) for a in self.accounts.values()],
        )
        return Response.html(page, 401 if error else 200)

    def _decide(self, request):
        form = request.form()
        params = {k: form[k] for k in
                  ("client_id", "redirect_uri", "state", "scope", "code_challenge",
                   "code_challenge_method", "response_type") if k in form}
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") not in self.clients or not redirect_uri:
            return Response.html("<p>Unknown application or redirect URI.</p>", 400)
        back = {"state": params.get("state", "")}
        if form.get("decision") != "allow":
            back.update(error="access_denied", error_description="The user denied access")
            return Response.redirect(_join(redirect_uri, back))
        account = self.account_by_login(form.get("login", ""), form.get("password", ""))
        if account is None:
            return self._consent(request, "Wrong email or password.", params)
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = Grant(
                account_id=account.id, client_id=params["client_id"], redirect_uri=redirect_uri,
                scope=params.get("scope", ""), challenge=params.get("code_challenge", ""),
                expires_at=time.time() + CODE_TTL_S,
            )
        return Response.redirect(_join(redirect_uri, {"code": code, **back}))

    # --- token endpoint -----------------------------------------------------------------

    def _client(self, request, form):
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        else:
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        return client_id if self.clients.get(client_id) == secret else None

    def _token(self, request):
        self.token_calls += 1
        if self.token_failure is not None:
            return self.token_failure
        form = request.form()
        client_id = self._client(request, form)
        if client_id is None:
            return _oauth_error("invalid_client", "Unknown client or wrong secret", 401)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._exchange(form, client_id)
        if grant_type == "refresh_token":
            return self._refresh(form)
        return _oauth_error("unsupported_grant_type", f"grant_type {grant_type!r}")

    def _exchange(self, form, client_id):
        grant = self.codes.get(form.get("code", ""))
        if grant is None or grant.used or grant.expires_at < time.time():
            return _oauth_error("invalid_grant", "The code is invalid, expired or already used")
        grant.used = True
        if grant.client_id != client_id or grant.redirect_uri != form.get("redirect_uri"):
            return _oauth_error("invalid_grant", "The redirect URI does not match")
        if grant.challenge and _s256(form.get("code_verifier", "")) != grant.challenge:
            return _oauth_error("invalid_grant", "PKCE verification failed")
        return self._issue(grant.account_id, grant.scope)

    def _refresh(self, form):
        issued = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
        if issued is None:
            return _oauth_error("invalid_grant", "The refresh token is invalid or was revoked")
        return self._issue(issued.account_id, issued.scope)

    def _issue(self, account_id: str, scope: str):
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires_at = time.time() + self.access_token_ttl
        self.access_tokens[access] = IssuedToken(account_id, scope, expires_at)
        self.refresh_tokens[refresh] = IssuedToken(account_id, scope, float("inf"))
        body = {
            "access_token": access, "refresh_token": refresh, "token_type": "Bearer",
            "expires_in": self.access_token_ttl, "scope": scope,
            **self.token_extras(self.accounts[account_id]),
        }
        return Response.json(body, headers={"Cache-Control": "no-store"})

    # --- test controls ------------------------------------------------------------------

    def expire_access_tokens(self) -> None:
        with self.lock:
            for issued in self.access_tokens.values():
                issued.expires_at = 0

    def revoke_refresh_tokens(self) -> None:
        with self.lock:
            self.refresh_tokens.clear()


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _join(url: str, params: dict) -> str:
    return url + ("&" if "?" in url else "?") + urlencode(params)


def _oauth_error(error: str, description: str, status: int = 400):
    return Response.json({"error": error, "error_description": description}, status)
