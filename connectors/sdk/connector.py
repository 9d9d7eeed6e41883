"""The base class of every connector: a declarative spec plus a few methods.

A connector instance serves one connected account. It reaches the vendor only
through `self.http` (retries, rate limit, classification) and `self.api(name)`
(the base URL of one of the vendor's APIs: production, sandbox or a contract
proxy, as the product decides).
"""

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from connectors.sdk.errors import ConnectorError, ErrorCategory
from connectors.sdk.http import HttpClient
from connectors.sdk.records import (
    AccountInfo,
    AppRecord,
    AssociationRecord,
    DeletedPage,
    Page,
    WriteOutcome,
)
from connectors.sdk.spec import ConnectorSpec, Field, ObjectSpec
from connectors.sdk.webhooks import WebhookEvent, WebhookRequest

log = logging.getLogger(__name__)
T = TypeVar("T")


class Connector:
    spec: ConnectorSpec
    # The vendor's production API roots, by name ("v1", "v2", "identity", …).
    api_bases: dict[str, str] = {}
    # Where a sandbox serves each API, relative to the sandbox root.
    sandbox_paths: dict[str, str] = {}
    # "module:attribute" of the sandbox's factory (a callable returning a Sandbox).
    sandbox: str = ""
    # How the vendor authenticates its webhook deliveries (sdk.webhooks.BASIC_AUTH), for
    # connectors whose capabilities say `webhooks`.
    webhook_auth: str = ""

    def __init__(
        self,
        http: HttpClient,
        *,
        api_bases: dict[str, str] | None = None,
        account: dict | None = None,
        credentials: dict | None = None,
    ):
        self.http = http
        self.bases = {**self.api_bases, **(api_bases or {})}
        # What the vendor told us at connect time (instance URL, api_domain, …).
        self.account = account or {}
        # For a DsnSpec app: the decrypted DSN and the product's limits on it (allowed
        # hosts, statement timeout, connection cap). Never logged.
        self.credentials = credentials or {}

    @classmethod
    def sandbox_bases(cls, sandbox_root: str) -> dict[str, str]:
        root = sandbox_root.rstrip("/")
        return {name: root + path for name, path in cls.sandbox_paths.items()}

    @classmethod
    def sandbox_web_root(cls, sandbox_root: str) -> str | None:
        """Where the sandbox serves the vendor's web app, when `sandbox_paths` names it
        ("web"); None where the account's details already point into the sandbox."""
        if "web" not in cls.sandbox_paths:
            return None
        return sandbox_root.rstrip("/") + cls.sandbox_paths["web"]

    @classmethod
    def token_scope(cls, account: dict) -> str | None:
        """The scope to refresh with once the account is known, for vendors that issue
        one token per resource (the consent token then reaches only a discovery API)."""
        return None

    @classmethod
    def objects_for(cls, account: dict) -> tuple[ObjectSpec, ...]:
        """The objects one connected account offers: the spec's, unless they are the
        account's own (a database's chosen table, described in `account`)."""
        return cls.spec.objects

    @classmethod
    def object_for(cls, account: dict, name: str) -> ObjectSpec:
        """One of `objects_for(account)`; KeyError for an object the account lacks."""
        for spec in cls.objects_for(account):
            if spec.name == name:
                return spec
        raise KeyError(f"{cls.spec.key} has no object {name!r}")

    @classmethod
    def setup_sql(cls, account: dict) -> str:
        """SQL the connector offers the user to run on their side (a delete-log
        trigger), shown on the connection's page; "" for none."""
        return ""

    @classmethod
    def consent_details(cls, params: Mapping[str, str]) -> dict:
        """What the vendor adds to its consent redirect that the connection keeps (Zoho
        names the account's data centre); a ConnectorError refuses a redirect that does
        not add up. Kept with the account's details, they reach `oauth_url` and
        `self.account`."""
        return {}

    @classmethod
    def oauth_url(cls, url: str, account: Mapping) -> str:
        """The token or revoke endpoint `url` (the spec's, or the sandbox's) as this
        account reaches it: the same, unless the vendor keeps each region's accounts on
        a server of their own (Zoho's data centres)."""
        return url

    def api(self, name: str) -> str:
        return self.bases[name].rstrip("/")

    def close(self) -> None:
        """Let go of what the connector holds (a database connection and its slot);
        the product calls it when a slice, a diff or a connect is over."""

    def object(self, name: str) -> ObjectSpec:
        return self.object_for(self.account, name)

    # --- what every connector implements -------------------------------------------

    def account_info(self) -> AccountInfo:
        """The vendor account behind the token (its id names it uniquely)."""
        raise NotImplementedError

    def describe_account(self, choice: Mapping[str, str]) -> dict:
        """For a DsnSpec app: the admin's choice on the connect form (`object`,
        `hub_object`, `key`, `updated_at`) checked against what the DSN reaches, as
        the account details that `objects_for` reads; ConnectorError saying what to
        change otherwise."""
        raise NotImplementedError

    def discover_fields(self, object_name: str) -> Sequence[Field]:
        """Custom fields read from the vendor's metadata API (static ones excluded)."""
        return ()

    def read_changes(self, object_name: str, cursor: str | None, limit: int = 100) -> Page:
        """Records created or changed since `cursor` (None: from the beginning)."""
        raise NotImplementedError

    def read_deleted(self, object_name: str, cursor: str | None, limit: int = 100) -> DeletedPage:
        """Records deleted since `cursor`, where the capabilities say the app can."""
        raise NotImplementedError

    def read_by_ids(self, object_name: str, ids: Sequence[str]) -> list[AppRecord]:
        """The records that still exist among `ids` (missing ones are left out)."""
        raise NotImplementedError

    def deletes_reported(self, object_name: str) -> bool:
        """Whether read_deleted sees every delete now (an app whose delete feed the user
        sets up says no until it is); objects with `key_diff` are diffed when not."""
        return True

    def read_ids(self, object_name: str, after: str | None, limit: int = 1000) -> list[str]:
        """Every record's id after `after` in the app's own key order, `limit` at most
        (the nightly key diff of objects with `key_diff`)."""
        raise NotImplementedError

    def create(self, object_name: str, items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
        """Create records from (ref, values) pairs; one outcome per item, in order."""
        raise NotImplementedError

    def update(self, object_name: str, items: Sequence[tuple[str, dict]],
               versions: Mapping[str, str] | None = None) -> list[WriteOutcome]:
        """Update records from (app id, changed values) pairs; one outcome per item.

        `versions` (app id -> AppRecord.version as read) is given only to objects whose
        capabilities say `conditional_writes`: a record changed since that version is
        left as it is, its outcome an error of category CHANGED_SINCE_READ."""
        raise NotImplementedError

    def delete(self, object_name: str, ids: Sequence[str]) -> list[WriteOutcome]:
        raise NotImplementedError

    def read_associations(
        self, object_name: str, ids: Sequence[str], to_object: str
    ) -> list[AssociationRecord]:
        raise NotImplementedError

    def write_associations(
        self, object_name: str, to_object: str, pairs: Sequence[AssociationRecord]
    ) -> list[WriteOutcome]:
        raise NotImplementedError

    # --- webhooks (capabilities.webhooks) ---------------------------------------------

    def register_webhook(self, object_name: str, url: str, *, user: str | None = None,
                         password: str | None = None) -> str:
        """Ask the vendor to POST changes of `object_name` to `url` with these basic-auth
        credentials (a WEBHOOK_KEY vendor sends `password` back as its key); returns the
        vendor's id of the subscription."""
        raise NotImplementedError

    def remove_webhook(self, webhook_id: str) -> None:
        raise NotImplementedError

    @classmethod
    def verify_webhook(cls, request: WebhookRequest, client_secret: str,
                       now: float) -> None:
        """For APP_SIGNATURE vendors: raise WebhookRefused unless `request` carries the
        vendor's valid, recent signature (`now`: epoch seconds)."""
        raise NotImplementedError

    @classmethod
    def configure_app_webhooks(cls, api_root: str, app_id: str, developer_key: str,
                               target_url: str) -> int:
        """For APP_SIGNATURE vendors, whose webhooks belong to the app: point them at
        `target_url` and subscribe to every object the connector syncs, with the app
        developer's credentials; how many subscriptions were added."""
        raise NotImplementedError

    @classmethod
    def webhook_events(cls, payload: Any) -> list[WebhookEvent]:
        """The changes one delivery announces (its JSON, parsed); MalformedWebhook when
        it is not the vendor's shape. Pure: no HTTP."""
        raise NotImplementedError

    # --- provided ---------------------------------------------------------------------

    def fields(self, object_name: str) -> tuple[Field, ...]:
        """Static fields merged with the custom ones the vendor reports now."""
        static = self.object(object_name).fields
        known = {f.name for f in static}
        custom = tuple(f for f in self.discover_fields(object_name) if f.name not in known)
        return static + custom

    def field_map(self, object_name: str) -> dict[str, Field]:
        """`fields`, by field name."""
        return {f.name: f for f in self.fields(object_name)}

    def metadata_if_allowed(self, object_name: str, read: Callable[[], T], default: T) -> T:
        """A metadata read (custom fields) the token may lack the scope for: refused, the
        static fields still sync, so the refusal is logged and `default` stands in."""
        try:
            return read()
        except ConnectorError as exc:
            if exc.category is not ErrorCategory.PERMISSION_DENIED:
                raise
            log.warning("%s refused its metadata for %s: %s", self.spec.name, object_name,
                        exc.vendor_message)
            return default
