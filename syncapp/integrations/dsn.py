"""Connecting an app that signs in with a DSN (ConnectorSpec.auth is a DsnSpec): the
PostgreSQL table. The admin types the DSN and chooses what to sync; the connector
checks the host against SYNC_POSTGRES_ALLOWED_HOSTS, connects, and describes the
choice. Nothing is stored until all of that worked; the DSN is kept encrypted like
an OAuth token (integrations/crypto.py) and never shown again.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from connectors.sdk import Connector, ConnectorError, HttpClient
from syncapp import audit
from syncapp.audit.models import AuditAction
from syncapp.integrations.catalog import connector_class, connector_for, dsn_credentials
from syncapp.integrations.connect import ConnectFailed
from syncapp.integrations.crypto import encrypt_json
from syncapp.integrations.models import Connection, ConnectionStatus

CHOICE_FIELDS = ("object", "hub_object", "key", "updated_at")


def signs_in_with_dsn(cls: type[Connector]) -> bool:
    return cls.spec.auth.kind == "dsn"


def connect(request, app_key: str, dsn: str, choice: dict[str, str]) -> Connection:
    """A saved connection for the DSN and the chosen object, or ConnectFailed."""
    cls = connector_class(app_key)
    if not dsn.strip():
        raise ConnectFailed(_("Enter the connection string of your database."))
    credentials = dsn_credentials(dsn.strip())
    probe = cls(HttpClient(), credentials=credentials)
    try:
        account = probe.describe_account(choice)
        probe = cls(HttpClient(), account=account, credentials=credentials)
        info = probe.account_info()
    except ConnectorError as exc:
        raise ConnectFailed(_("Nothing was connected: %(reason)s") % {
            "reason": exc.message}) from None
    finally:
        probe.close()
    duplicate = _("This %(app)s (%(account)s) is already connected to this portal.") % {
        "app": cls.spec.name, "account": info.name}
    live = Connection.objects.for_portal(request.portal).filter(
        app_key=app_key, account_id=info.id).exclude(status=ConnectionStatus.DISCONNECTED)
    if live.exists():
        raise ConnectFailed(duplicate)
    connection = Connection(
        portal=request.portal, app_key=app_key, account_id=info.id[:200],
        account_name=info.name[:300], account_extra={**info.extra, **account},
        token_ciphertext=encrypt_json({"dsn": dsn.strip()}), connected_by=request.user)
    try:
        with transaction.atomic():
            connection.save()
            audit.record(request, AuditAction.CONNECTED, connection)
    except IntegrityError:  # connected in another tab a moment ago
        raise ConnectFailed(duplicate) from None
    return connection


def refresh_deletes_mode(connection: Connection) -> str:
    """Ask the database whether the delete-log trigger is set up now; keep the answer
    on the connection (the page shows it) and return it."""
    table = connection.account_extra.get("table") or {}
    with connector_for(connection) as connector:
        tracked = connector.deletes_reported(table.get("object", ""))
    mode = "trigger" if tracked else "key_diff"
    connection.account_extra = {**connection.account_extra, "deletes": mode}
    connection.save(update_fields=["account_extra", "updated_at"])
    return mode
