"""OAuth 2 (authorization code with PKCE) through authlib, and refreshing safely.

Two workers may find the same access token expired at once; the refresh runs
under a lock held in the token store, and whoever gets the lock second finds a
fresh token already saved and uses it. Many vendors rotate refresh tokens, so a
second refresh with the old one would fail and disconnect the account.
"""

import secrets
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from connectors.sdk.errors import ConnectorError, ErrorCategory, NeedsReconnectError
from connectors.sdk.spec import OAuth2Spec

REFRESH_SKEW_S = 120  # refresh this long before the token expires


@dataclass(frozen=True)
class Token:
    access_token: str
    refresh_token: str | None
    expires_at: float | None  # epoch seconds
    scope: str = ""
    extra: dict = field(default_factory=dict)  # vendor additions, e.g. api_domain

    def expiring(self, now: float | None = None) -> bool:
        if self.expires_at is None:
            return False
        return (now or time.time()) >= self.expires_at - REFRESH_SKEW_S

    @classmethod
    def from_response(cls, data: dict, previous: "Token | None" = None) -> "Token":
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise ConnectorError(
                ErrorCategory.APP_UNAVAILABLE,
                "The app's token endpoint answered without an access token.",
                vendor_message=str(data)[:300],
            )
        expires_at = data.get("expires_at")
        if expires_at is None and data.get("expires_in") is not None:
            expires_at = time.time() + float(data["expires_in"])
        known = {"access_token", "refresh_token", "expires_at", "expires_in", "scope",
                 "token_type"}
        return cls(
            access_token=data["access_token"],
            # Vendors that do not rotate refresh tokens omit them on refresh.
            refresh_token=data.get("refresh_token") or (previous.refresh_token if previous
                                                         else None),
            expires_at=float(expires_at) if expires_at is not None else None,
            scope=str(data.get("scope") or ""),
            extra={k: v for k, v in data.items() if k not in known},
        )


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    code_verifier: str


class OAuth2Client:
    """The app side of one OAuth 2 registration (client id, secret, redirect URI)."""

    def __init__(
        self,
        spec: OAuth2Spec,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        *,
        authorize_url: str | None = None,
        token_url: str | None = None,
        revoke_url: str | None = None,
        timeout: float = 15.0,
    ):
        self.spec = spec
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.authorize_url = authorize_url or spec.authorize_url
        self.token_url = token_url or spec.token_url
        self.revoke_url = revoke_url if revoke_url is not None else spec.revoke_url
        self.timeout = timeout

    def _session(self, **kwargs) -> OAuth2Session:
        session = OAuth2Session(
            self.client_id,
            self.client_secret,
            redirect_uri=self.redirect_uri,
            scope=self.spec.scope_separator.join(self.spec.scopes),
            code_challenge_method="S256" if self.spec.pkce else None,
            token_endpoint_auth_method=self.spec.token_endpoint_auth_method,
            **kwargs,
        )
        for hook in ("access_token_response", "refresh_token_response"):
            session.register_compliance_hook(hook, _refusal_without_rfc_error)
        return session

    def authorization_request(self) -> AuthorizationRequest:
        """A consent URL with a fresh `state` and, where supported, a PKCE challenge."""
        state = secrets.token_urlsafe(32)
        verifier = generate_token(64) if self.spec.pkce else ""
        url, _state = self._session().create_authorization_url(
            self.authorize_url,
            state=state,
            code_verifier=verifier or None,
            **dict(self.spec.authorize_params),
        )
        return AuthorizationRequest(url=url, state=state, code_verifier=verifier)

    def exchange_code(self, code: str, code_verifier: str) -> Token:
        extra = {"code_verifier": code_verifier} if code_verifier else {}
        data = self._token_call(
            lambda s: s.fetch_token(self.token_url, code=code, timeout=self.timeout, **extra)
        )
        return Token.from_response(dict(data))

    def refresh(self, token: Token, scope: str | None = None) -> Token:
        """A new token; `scope` asks for another resource's token where the vendor issues
        one token per resource (Microsoft identity platform)."""
        if not token.refresh_token:
            raise NeedsReconnectError("The app gave no refresh token; reconnect the account.")
        extra = {"scope": scope} if scope else {}
        data = self._token_call(
            lambda s: s.refresh_token(
                self.token_url, refresh_token=token.refresh_token, timeout=self.timeout,
                **extra,
            )
        )
        return Token.from_response(dict(data), previous=token)

    def revoke(self, token: Token) -> None:
        """Best effort: a vendor without revocation, or one that is down, is not fatal."""
        if not self.revoke_url:
            return
        target = token.refresh_token or token.access_token
        try:
            if self.spec.revoke_style == "delete_refresh_token":
                if token.refresh_token:
                    url = f"{self.revoke_url.rstrip('/')}/{token.refresh_token}"
                    requests.delete(url, timeout=self.timeout)
                return
            if self.spec.revoke_style == "query_token":
                requests.post(self.revoke_url, params={"token": target}, timeout=self.timeout)
                return
            self._session().revoke_token(self.revoke_url, token=target, timeout=self.timeout)
        except (requests.RequestException, OAuthError):
            return

    def _token_call(self, call):
        try:
            return call(self._session())
        except OAuthError as exc:
            message = exc.description or exc.error or "refused"
            if exc.error in {"invalid_grant", "invalid_client", "unauthorized_client",
                             *self.spec.reconnect_errors}:
                raise NeedsReconnectError(
                    "The app refused the credentials; reconnect the account.",
                    vendor_message=message,
                ) from None
            raise ConnectorError(
                ErrorCategory.REJECTED, "The app refused the authorization.",
                vendor_message=message,
            ) from None
        except requests.RequestException as exc:
            raise ConnectorError(
                ErrorCategory.APP_UNAVAILABLE, "Could not reach the app's token endpoint.",
                vendor_message=str(exc)[:300],
            ) from None
        except ValueError as exc:  # a body that is not JSON
            raise ConnectorError(
                ErrorCategory.APP_UNAVAILABLE,
                "The app's token endpoint answered with something that is not a token.",
                vendor_message=str(exc)[:300],
            ) from None


def _refusal_without_rfc_error(response):
    """A 4xx from the token endpoint whose body lacks RFC 6749's `error` is a refusal.

    Some vendors answer in their own shape (HubSpot: 400 {"status":
    "BAD_REFRESH_TOKEN", "message": …}); read as a token it would look like an
    outage and be retried for ever instead of asking the user to reconnect.
    """
    if not 400 <= response.status_code < 500 or response.status_code == 429:
        return response
    try:
        body = response.json()
    except ValueError:
        return response
    if isinstance(body, dict) and "error" not in body:
        reason = body.get("message") or body.get("status") or "refused"
        raise OAuthError(error="invalid_grant", description=str(reason)[:300])
    return response


class TokenStore(Protocol):
    """Where a connection's token lives (encrypted, in the product's database)."""

    def load(self) -> Token: ...

    def save(self, token: Token) -> None: ...

    def lock(self) -> AbstractContextManager: ...

    def mark_needs_reconnect(self, error: ConnectorError) -> None: ...


def authorization(spec: OAuth2Spec, token: Token) -> dict[str, str]:
    """The header an API call carries `token` in, in the vendor's scheme."""
    return {"Authorization": f"{spec.header_scheme} {token.access_token}"}


class OAuth2Auth:
    """Authorization headers for the HTTP client, refreshed before expiry and after a 401."""

    def __init__(self, client: OAuth2Client, store: TokenStore, scope: str | None = None):
        self.client = client
        self.store = store
        self.scope = scope  # see OAuth2Client.refresh

    def headers(self) -> dict[str, str]:
        token = self.store.load()
        if token.expiring():
            token = self._refresh_unless_done(token.access_token)
        return authorization(self.client.spec, token)

    def refresh(self, stale_headers: dict[str, str]) -> None:
        scheme = self.client.spec.header_scheme
        stale = stale_headers.get("Authorization", "").removeprefix(f"{scheme} ")
        self._refresh_unless_done(stale)

    def _refresh_unless_done(self, stale_access_token: str) -> Token:
        with self.store.lock():
            current = self.store.load()
            if current.access_token != stale_access_token and not current.expiring():
                return current  # another worker refreshed while we waited
            try:
                fresh = self.client.refresh(current, self.scope)
            except NeedsReconnectError as exc:
                self.store.mark_needs_reconnect(exc)
                raise
            self.store.save(fresh)
            return fresh
