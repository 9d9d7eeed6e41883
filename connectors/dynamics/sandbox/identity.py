"""The Microsoft identity platform's v2.0 token endpoint, as the sandbox serves it.

A user signs in through `/organizations/oauth2/v2.0/authorize` and the code is
redeemed at `/organizations/oauth2/v2.0/token` (the shared OAuth pages). A service
(daemon) redeems nothing: the client credentials grant posts `client_id`,
`client_secret`, `scope=<environment URL>/.default` and
`grant_type=client_credentials` to its tenant's `/<tenant id>/oauth2/v2.0/token`
and gets an access token for that environment's application user, with no refresh
token. Every refusal of the token endpoint has the identity platform's error shape:
`error`, `error_description` opening with `AADSTSnnnn:`, `error_codes`, `timestamp`,
`trace_id`, `correlation_id`, `error_uri`.
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
https://learn.microsoft.com/entra/identity-platform/reference-error-codes
"""

import datetime as dt
import json
import re
import secrets
import time
import uuid

from connectors.dynamics.sandbox.metadata import tenant_id
from connectors.dynamics.sandbox.store import Environment
from connectors.sdk.sandbox import Request, Response
from connectors.sdk.sandbox.oauth import IssuedToken, OAuthProvider

TOKEN_PATH = re.compile(r"^/(?P<tenant>[^/]+)/oauth2/v2\.0/token$")
# Tenant-independent authorities: they serve users, never a client on its own.
SHARED_TENANTS = {"organizations", "common", "consumers"}
# The identity platform's code for each refusal the shared OAuth pages make.
GRANT_ERRORS = {"invalid_grant": 70000, "invalid_client": 7000215,
                "unsupported_grant_type": 70003, "invalid_request": 900144}


def aad_error(status: int, error: str, code: int, description: str) -> Response:
    moment = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
    return Response.json({
        "error": error,
        "error_description": f"AADSTS{code}: {description}\r\nTrace ID: {trace}\r\n"
                             f"Correlation ID: {correlation}\r\nTimestamp: {moment}",
        "error_codes": [code], "timestamp": moment, "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": f"https://login.microsoftonline.com/error?code={code}",
    }, status)


class MicrosoftSignIn(OAuthProvider):
    """Mixed into DynamicsSandbox: the token endpoint per tenant."""

    def handle_oauth(self, request: Request):
        found = TOKEN_PATH.match(request.path)
        if request.method != "POST" or not found:
            return super().handle_oauth(request)
        with self.lock:
            return self._aad_token(request, found["tenant"])

    def _aad_token(self, request: Request, tenant: str) -> Response:
        form = request.form()
        if form.get("grant_type") != "client_credentials":
            if tenant not in SHARED_TENANTS and self._tenant(tenant) is None:
                return _unknown_tenant(tenant)
            return _in_aad_shape(self._token(request))
        self.token_calls += 1
        if self.token_failure is not None:
            return self.token_failure
        refused = self._client_refusal(form, tenant)
        if refused is not None:
            return refused
        env = self._tenant(tenant)
        if env is None:
            return _unknown_tenant(tenant)
        return self._client_token(request, env, form.get("scope", ""))

    def _client_refusal(self, form: dict[str, str], tenant: str) -> Response | None:
        """Why a client may not have a token on its own, if it may not."""
        client_id = form.get("client_id", "")
        if client_id not in self.clients:
            return aad_error(400, "unauthorized_client", 700016, (
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{tenant}'."))
        if self.clients[client_id] != form.get("client_secret"):
            return aad_error(401, "invalid_client", 7000215, (
                "Invalid client secret provided. Ensure the secret being sent in the request "
                "is the client secret value, not the client secret ID, for a secret added to "
                f"app '{client_id}'."))
        if tenant in SHARED_TENANTS:
            return aad_error(400, "invalid_request", 50059, (
                "No tenant-identifying information found in either the request or implied "
                "by any provided credentials."))
        return None

    def _client_token(self, request: Request, env: Environment, scope: str) -> Response:
        if not scope.endswith("/.default") or " " in scope.strip():
            return aad_error(400, "invalid_scope", 1002012, (
                f"The provided value for scope {scope} is not valid. Client credential flows "
                "must have a scope value with /.default suffixed to the resource identifier "
                "(application ID URI)."))
        resource = scope.removesuffix("/.default").rstrip("/")
        if resource not in {f"{request.root}/{env.url_name}",
                            f"https://{env.url_name}.crm.dynamics.com"}:
            return aad_error(400, "invalid_resource", 500011, (
                f"The resource principal named {resource} was not found in the tenant named "
                f"{env.name}. This can happen if the application has not been installed by "
                "the administrator of the tenant or consented to by any user in the tenant."))
        access = secrets.token_urlsafe(32)
        ttl = self.access_token_ttl
        self.access_tokens[access] = IssuedToken(env.id, scope, time.time() + ttl)
        return Response.json({"token_type": "Bearer", "expires_in": ttl, "ext_expires_in": ttl,
                              "access_token": access}, headers={"Cache-Control": "no-store"})

    def _tenant(self, tenant: str) -> Environment | None:
        return next((a for a in self.accounts.values()
                     if isinstance(a, Environment) and tenant_id(a) == tenant.lower()), None)


def _unknown_tenant(tenant: str) -> Response:
    return aad_error(400, "invalid_request", 90002, (
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID "
        "and are signing into the correct cloud."))


def _in_aad_shape(response: Response) -> Response:
    """A refusal of the shared OAuth pages ({"error", "error_description"}) restated
    with the identity platform's code and fields; other answers as they are."""
    if response.status < 400:
        return response
    try:
        body = json.loads(response.body or b"null")
    except ValueError:
        return response
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return response
    code = GRANT_ERRORS.get(body["error"], 900144)
    return aad_error(response.status, body["error"], code, str(body.get("error_description")))
