"""Connecting an app account: start the OAuth flow, finish it, reconnect, disconnect.

A flow in progress lives in the user's session, keyed by its `state`, bound to
the app, the portal and the user that started it, and used once. Nothing is
written until the vendor has given a token and named the account behind it.
"""

import time
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors.sdk import ConnectorError, ErrorCategory, HttpClient, Token
from connectors.sdk.oauth import authorization
from connectors.sdk.spec import OAuth2Spec
from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.integrations.catalog import api_bases, connector_class, oauth_client
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.integrations.signals import disconnecting
from syncapp.integrations.tokens import DbTokenStore, store_token

SESSION_KEY = "oauth_flows"
FLOW_TTL_S = 15 * 60
MAX_FLOWS = 10


class ConnectFailed(Exception):
    """The connection could not be made; the message is for the person connecting."""


@dataclass
class PendingFlow:
    app_key: str
    portal_id: int
    user_id: int
    code_verifier: str
    reconnect_id: int | None
    started_at: float


class _Bearer:
    """Headers for the one call made between token exchange and saving the connection."""

    def __init__(self, token: Token, spec: OAuth2Spec):
        self.token = token
        self.spec = spec

    def headers(self) -> dict[str, str]:
        return authorization(self.spec, self.token)

    def refresh(self, stale_headers: dict[str, str]) -> None:
        return None


def begin(request, app_key: str, reconnect: Connection | None = None) -> str:
    """Remember a new flow in the session; return the vendor's consent URL."""
    auth = oauth_client(connector_class(app_key)).authorization_request()
    flows = _live_flows(request.session.get(SESSION_KEY, {}))
    flows[auth.state] = asdict(PendingFlow(
        app_key=app_key, portal_id=request.portal.pk, user_id=request.user.pk,
        code_verifier=auth.code_verifier,
        reconnect_id=reconnect.pk if reconnect else None, started_at=time.time(),
    ))
    request.session[SESSION_KEY] = dict(list(flows.items())[-MAX_FLOWS:])
    return auth.url


def _live_flows(flows: dict) -> dict:
    now = time.time()
    return {k: v for k, v in flows.items() if now - v["started_at"] < FLOW_TTL_S}


def _take_flow(request, app_key: str, state: str) -> PendingFlow:
    """The flow `state` names, removed from the session so it cannot be replayed."""
    flows = _live_flows(request.session.get(SESSION_KEY, {}))
    raw = flows.pop(state, None) if state else None
    request.session[SESSION_KEY] = flows
    if raw is None:
        raise ConnectFailed(_(
            "This sign-in link has expired or was already used. Nothing was connected; "
            "start again with Install app."
        ))
    flow = PendingFlow(**raw)
    if (flow.app_key, flow.portal_id, flow.user_id) != (
        app_key, request.portal.pk, request.user.pk
    ):
        raise ConnectFailed(_(
            "This sign-in was started by another user, portal or app. Nothing was connected."
        ))
    return flow


def complete(request, app_key: str, params) -> Connection:
    """Finish the flow the vendor sent back: a saved connection, or ConnectFailed."""
    flow = _take_flow(request, app_key, params.get("state", ""))
    cls = connector_class(app_key)
    if params.get("error"):
        raise ConnectFailed(_denied_message(cls.spec.name, params))
    if not params.get("code"):
        raise ConnectFailed(_("%(app)s sent no authorization code. Nothing was connected.")
                            % {"app": cls.spec.name})
    try:
        details = cls.consent_details(params)
    except ConnectorError as exc:  # a redirect naming a region it does not belong to
        raise ConnectFailed(_("%(app)s sent the sign-in back with details that do not add "
                              "up, so nothing was connected: %(reason)s")
                            % {"app": cls.spec.name, "reason": exc.message}) from None
    try:
        client = oauth_client(cls, details)
        token = client.exchange_code(params["code"], flow.code_verifier)
        connector = cls(HttpClient(auth=_Bearer(token, cls.spec.auth), max_attempts=2),
                        api_bases=api_bases(cls), account={**details, **token.extra})
        info = connector.account_info()
        extra = {**details, **token.extra, **info.extra}
        if scope := cls.token_scope(extra):
            token = client.refresh(token, scope)  # a token for the account's own resource
    except ConnectorError as exc:
        raise ConnectFailed(_vendor_failure(cls.spec.name, exc)) from None
    if flow.reconnect_id:
        return _reconnect(request, flow.reconnect_id, info, token, extra)
    return _create(request, app_key, info, token, extra)


def _denied_message(app_name: str, params) -> str:
    if params.get("error") == "access_denied":
        return _("Access was denied on %(app)s's page, so nothing was connected.") % {
            "app": app_name}
    return _("%(app)s refused the connection: %(reason)s") % {
        "app": app_name,
        "reason": params.get("error_description") or params.get("error"),
    }


def _vendor_failure(app_name: str, exc: ConnectorError) -> str:
    detail = f" ({exc.vendor_message})" if exc.vendor_message else ""
    if exc.category in {ErrorCategory.AUTH_EXPIRED, ErrorCategory.REJECTED}:
        text = _("%(app)s did not accept the sign-in: the code may have expired or been "
                 "used already. Nothing was connected; try again.")
    else:
        text = _("%(app)s did not answer properly while connecting. Nothing was connected; "
                 "try again in a moment.")
    return text % {"app": app_name} + detail


def _create(request, app_key, info, token, extra) -> Connection:
    duplicate = _("This %(app)s account (%(account)s) is already connected to this portal.")
    live = Connection.objects.for_portal(request.portal).filter(
        app_key=app_key, account_id=info.id
    ).exclude(status=ConnectionStatus.DISCONNECTED)
    if live.exists():
        raise ConnectFailed(duplicate % {"app": connector_class(app_key).spec.name,
                                         "account": info.name})
    connection = Connection(
        portal=request.portal, app_key=app_key, account_id=info.id, account_name=info.name,
        account_extra=extra, connected_by=request.user,
    )
    store_token(connection, token)
    try:
        with transaction.atomic():
            connection.save()
            audit.record(request, AuditAction.CONNECTED, connection)
    except IntegrityError:  # connected in another tab a moment ago
        raise ConnectFailed(duplicate % {"app": connector_class(app_key).spec.name,
                                         "account": info.name}) from None
    return connection


@transaction.atomic
def _reconnect(request, connection_id, info, token, extra) -> Connection:
    connection = (
        Connection.objects.for_portal(request.portal).select_for_update()
        .filter(pk=connection_id).first()
    )
    if connection is None or connection.status == ConnectionStatus.DISCONNECTED:
        raise ConnectFailed(_("That account is no longer connected; install the app again."))
    if connection.account_id != info.id:
        raise ConnectFailed(
            _("You signed in to %(other)s, but this connection is for %(account)s. "
              "Nothing was changed; sign in to %(account)s to reconnect it.")
            % {"other": info.name, "account": connection.account_name}
        )
    store_token(connection, token)
    connection.account_extra = extra
    connection.status = ConnectionStatus.CONNECTED
    connection.last_error_category = connection.last_error_message = ""
    connection.save()
    audit.record(request, AuditAction.RECONNECTED, connection)
    return connection


def disconnect(connection: Connection, by=None) -> None:
    """Revoke the token (best effort), forget it, and keep the connection's history;
    `by` (request or user) is audited with it."""
    cls = connector_class(connection.app_key)
    if connection.token_ciphertext and cls.spec.auth.kind == "oauth2":
        disconnecting.send(sender=Connection, connection=connection)  # token still works
        oauth_client(cls, connection.account_extra).revoke(DbTokenStore(connection).load())
    connection.status = ConnectionStatus.DISCONNECTED
    connection.token_ciphertext = ""
    connection.token_expires_at = None
    connection.disconnected_at = timezone.now()
    with transaction.atomic():
        connection.save()
        audit.record(by, AuditAction.DISCONNECTED, connection)
