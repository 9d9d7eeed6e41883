"""The connector SDK's public surface: what a connector package imports."""

from connectors.sdk.connector import Connector
from connectors.sdk.cursors import StoredCursor
from connectors.sdk.errors import ConnectorError, ErrorCategory, NeedsReconnectError
from connectors.sdk.http import Backoff, HttpClient, Response
from connectors.sdk.oauth import OAuth2Auth, OAuth2Client, Token
from connectors.sdk.outcomes import Outcomes, per_item
from connectors.sdk.paging import Paginator, RepeatedCursorError
from connectors.sdk.records import (
    AccountInfo,
    AppRecord,
    AssociationRecord,
    DeletedPage,
    DeletedRecord,
    Page,
    WriteOutcome,
)
from connectors.sdk.spec import (
    AssociationSpec,
    Capabilities,
    ConnectorSpec,
    DsnSpec,
    Field,
    FieldType,
    Mapping,
    OAuth2Spec,
    ObjectSpec,
    Option,
    RateLimit,
)

__all__ = [
    "AccountInfo", "AppRecord", "AssociationRecord", "AssociationSpec", "Backoff",
    "Capabilities", "Connector", "ConnectorError", "ConnectorSpec", "DeletedPage",
    "DeletedRecord", "DsnSpec", "ErrorCategory", "Field", "FieldType", "HttpClient", "Mapping",
    "NeedsReconnectError", "OAuth2Auth", "OAuth2Client", "OAuth2Spec", "ObjectSpec", "Option",
    "Outcomes", "Page", "Paginator", "RateLimit", "RepeatedCursorError", "Response",
    "StoredCursor", "Token", "WriteOutcome", "per_item",
]
