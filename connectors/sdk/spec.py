"""What a connector declares: its listing, auth, objects, fields and mappings.

The marketplace card, the listing page, the wizard's choices and the field menus
are all generated from these declarations; nothing in the product branches on a
vendor's name. Every text a person reads (a label, an option, the tagline and the
description) is English marked for translation with connectors/sdk/text.py.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar


class FieldType(StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"  # a single checkbox
    ENUMERATION = "enumeration"  # dropdown / picklist
    RADIO = "radio"
    MULTI_ENUMERATION = "multi_enumeration"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    OWNER = "owner"
    REFERENCE = "reference"  # an id of another record (associations)


class Direction(StrEnum):
    TWO_WAY = "two_way"
    TO_HUB = "to_hub"
    TO_APP = "to_app"


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One field of an app object, keyed by the vendor's own field name."""

    name: str
    label: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    read_only: bool = False
    options: tuple[Option, ...] = ()
    custom: bool = False


@dataclass(frozen=True)
class Mapping:
    """A default pairing of an app field with a hub property."""

    app_field: str
    hub_property: str
    direction: Direction = Direction.TWO_WAY
    required: bool = False


@dataclass(frozen=True)
class Capabilities:
    # "modified_time": filter by last-modified timestamp; "change_token": the vendor
    # hands out an opaque token (delta link) that returns changes since it.
    incremental: str = "modified_time"
    deleted_records: bool = False  # can list records deleted since a cursor
    batch_write: bool = False
    batch_size: int = 100
    webhooks: bool = False
    # update() takes `versions` (AppRecord.version per app id) and the vendor refuses a
    # record changed since that read (ErrorCategory.CHANGED_SINCE_READ): a person's edit
    # made while a batch runs is never overwritten. Only where the vendor offers such a
    # precondition (Dataverse's If-Match); without it the last write wins at the vendor.
    conditional_writes: bool = False
    # Write requests one write call may have in flight at once, so the vendor's
    # budget stays full however long each request takes (the client's shared limiter
    # still decides when each may go). With batch_write, the engine hands a write call
    # batch_size x this many items: one full batch per request in flight.
    concurrent_requests: int = 1
    # The sync directions the object allows (the wizard offers only these): a database
    # view can be read, never written, so it syncs to the hub only.
    directions: tuple[str, ...] = (Direction.TWO_WAY, Direction.TO_HUB, Direction.TO_APP)
    # Deletes the app may not report (no feed, or one the user has not set up) are found
    # by comparing every key the app lists (Connector.read_ids) with the linked ones,
    # nightly (syncapp/syncs/keydiff.py).
    key_diff: bool = False


@dataclass(frozen=True)
class AssociationSpec:
    """An association the app keeps from this object to another of its objects."""

    to_object: str
    label: str
    # The field holding the other record's id when the vendor keeps it on the record
    # (Pipedrive person.org_id); None when it has an associations API (HubSpot v4).
    via_field: str | None = None


@dataclass(frozen=True)
class ObjectSpec:
    name: str  # the vendor's object name: "persons", "contacts", "accounts", …
    label: str
    hub_object: str  # the hub object type it pairs with by default
    fields: tuple[Field, ...]
    # Which of its fields carry each identifier the hub matches this object by, as
    # (identifier, app field): ("email", "emailaddress1"), ("sku", "productnumber"). The
    # identifiers, and the order they are tried in, are the product's table
    # (syncapp/crm/identifier_table.py, DESIGN "Matching"); an identifier no field
    # carries is not used.
    identifiers: tuple[tuple[str, str], ...] = ()
    default_mappings: tuple[Mapping, ...] = ()
    capabilities: Capabilities = field(default_factory=Capabilities)
    associations: tuple[AssociationSpec, ...] = ()
    # Where the vendor's web app shows one record, below ConnectorSpec.web_app: a
    # template over {id} and the account's details ("/person/{id}"); empty: no page.
    record_page: str = ""

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def identifier_field(self, identifier: str) -> str | None:
        """The app field declared as carrying `identifier`, if any."""
        return dict(self.identifiers).get(identifier)


@dataclass(frozen=True)
class OAuth2Spec:
    kind: ClassVar[str] = "oauth2"
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    revoke_url: str | None = None
    pkce: bool = True
    # Extra query parameters some vendors need on the authorize URL.
    authorize_params: tuple[tuple[str, str], ...] = ()
    scope_separator: str = " "
    # How the client authenticates at the token endpoint: "client_secret_basic"
    # (HTTP Basic, RFC 6749's default) or "client_secret_post" (id and secret in the
    # form body, which some vendors require, e.g. HubSpot).
    token_endpoint_auth_method: str = "client_secret_basic"  # noqa: S105 - a method name
    # "rfc7009": POST token=… to revoke_url. "delete_refresh_token": DELETE
    # <revoke_url>/<refresh token> (HubSpot's /oauth/v1/refresh-tokens/<token>).
    # "query_token": POST <revoke_url>?token=… (Zoho's /oauth/v2/token/revoke).
    revoke_style: str = "rfc7009"
    # The scheme of the Authorization header API calls carry the token in ("Bearer";
    # Zoho: "Zoho-oauthtoken").
    header_scheme: str = "Bearer"
    # The token endpoint's error codes, besides RFC 6749's invalid_grant, that mean the
    # grant is gone and only reconnecting helps (Zoho: "invalid_code").
    reconnect_errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class DsnSpec:
    """Auth by a connection string the admin types (a database's DSN) rather than OAuth:
    the product shows a form, checks the host against its allowed list, asks the
    connector to describe what it reaches, and keeps the DSN encrypted."""

    kind: ClassVar[str] = "dsn"
    example: str = ""  # shown as the field's placeholder
    scopes: tuple[str, ...] = ()  # the privileges the listing says the app needs


@dataclass(frozen=True)
class RateLimit:
    """The vendor's documented request budget per connected account."""

    requests: int
    per_seconds: float


@dataclass(frozen=True)
class ConnectorSpec:
    key: str  # stable slug: "pipedrive"
    name: str  # "Pipedrive"
    tagline: str  # one line for the marketplace card
    description: str
    logo: str  # an inline SVG document
    auth: OAuth2Spec | DsnSpec
    # Empty where the objects are the account's own (a database's tables): see
    # Connector.objects_for.
    objects: tuple[ObjectSpec, ...]
    rate_limit: RateLimit = RateLimit(requests=100, per_seconds=10)
    docs_url: str = ""
    # The root of the vendor's web app for one connected account: a template over the
    # account's details ("https://app.hubspot.com", "{api_domain}"). See weblinks.py.
    web_app: str = ""
    # The vendor counts every call against a daily total per account and reports it on
    # each reply (usage.py): the connection's page shows it and lets a person choose the
    # share Syncapp may spend.
    reports_api_usage: bool = False

    def object(self, name: str) -> ObjectSpec:
        for spec in self.objects:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.key} has no object {name!r}")
