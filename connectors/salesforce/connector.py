"""The Salesforce connector: one org each, through the REST API of the org's own instance.

The token response names the org's instance (`instance_url`), which replaces the
generic login host as the API's root, but never a base the product chose (a
sandbox, a proxy).
https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace

from connectors.salesforce import reads, writes
from connectors.salesforce.client import RestApi, install, unexpected
from connectors.salesforce.spec import API_VERSION, SPEC
from connectors.salesforce.values import field_from_describe, payload
from connectors.sdk import (
    AccountInfo,
    AppRecord,
    AssociationRecord,
    Connector,
    ConnectorError,
    DeletedPage,
    ErrorCategory,
    Field,
    HttpClient,
    Page,
    WriteOutcome,
)


def _association_error(error: ConnectorError, field: str) -> ConnectorError:
    """A lookup Salesforce refused fails the association, not the record."""
    if error.connection_wide or error.category not in (ErrorCategory.INVALID_VALUE,
                                                       ErrorCategory.ASSOCIATION_FAILED):
        return error
    return ConnectorError(ErrorCategory.ASSOCIATION_FAILED, f"Salesforce refused {field}.",
                          vendor_message=error.vendor_message, field=field)
API_PATH = f"/services/data/v{API_VERSION}"
PRODUCTION = "https://login.salesforce.com"
# What Salesforce requires on create that the hub may not have: the first stage of the
# default sales process for an opportunity that names none.
CREATE_DEFAULTS = {"Opportunity": {"StageName": "Prospecting"}}


class SalesforceConnector(Connector):
    spec = SPEC
    api_bases = {"api": PRODUCTION + API_PATH}
    # The sandbox serves an instance at its root: the REST API, the OAuth endpoints
    # (login.salesforce.com's paths) and the Lightning record pages ("web").
    sandbox_paths = {"api": API_PATH, "authorize": "/services/oauth2/authorize",
                     "token": "/services/oauth2/token", "revoke": "/services/oauth2/revoke",
                     "web": ""}
    sandbox = "connectors.salesforce.sandbox:SalesforceSandbox"

    def __init__(self, http: HttpClient, *, api_bases: dict[str, str] | None = None,
                 account: dict | None = None):
        super().__init__(http, api_bases=api_bases, account=account)
        install(http)
        instance = self.account.get("instance_url")
        if instance and self.bases.get("api") == type(self).api_bases["api"]:
            self.bases["api"] = str(instance).rstrip("/") + API_PATH
        self.rest = RestApi(http, self.api("api"))
        self._custom: dict[str, tuple[Field, ...]] = {}

    @property
    def instance_root(self) -> str:
        return self.api("api").removesuffix(API_PATH)

    # --- the account ------------------------------------------------------------------

    def account_info(self) -> AccountInfo:
        """The org and user behind the token: the OpenID userinfo endpoint of the
        instance, and the org's name by SOQL.
        https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm"""
        info = self.rest.userinfo(self.instance_root)
        if not isinstance(info, dict) or not info.get("organization_id"):
            raise unexpected("the user information", info)
        org_id = str(info["organization_id"])
        org = self.rest.query("SELECT Id, Name FROM Organization", 200).body
        rows = org.get("records") if isinstance(org, dict) else None
        name = str(rows[0].get("Name")) if rows and isinstance(rows[0], dict) else org_id
        extra = {"organization_id": org_id, "user_id": info.get("user_id"),
                 "username": info.get("preferred_username"), "org_name": name}
        if self.account.get("instance_url"):
            extra["instance_url"] = self.account["instance_url"]
        return AccountInfo(id=org_id, name=name, extra=extra)

    # --- fields -----------------------------------------------------------------------

    def discover_fields(self, object_name: str) -> Sequence[Field]:
        """Custom fields (…__c) from GET sobjects/<type>/describe."""
        if object_name not in self._custom:
            body: object = self.metadata_if_allowed(
                object_name, lambda: self.rest.describe(object_name), {})
            entries = body.get("fields") if isinstance(body, dict) else None
            found = (field_from_describe(e) for e in entries or [] if isinstance(e, dict))
            self._custom[object_name] = tuple(f for f in found if f is not None)
        return self._custom[object_name]

    # --- reads ------------------------------------------------------------------------

    def read_changes(self, object_name: str, cursor: str | None, limit: int = 100) -> Page:
        return reads.read_changes(self.rest, object_name, self.field_map(object_name),
                                  cursor, limit)

    def read_deleted(self, object_name: str, cursor: str | None, limit: int = 100) -> DeletedPage:
        self.object(object_name)
        return reads.read_deleted(self.rest, object_name, cursor)

    def read_by_ids(self, object_name: str, ids: Sequence[str]) -> list[AppRecord]:
        return reads.read_by_ids(self.rest, object_name, self.field_map(object_name), ids)

    # --- writes -----------------------------------------------------------------------

    def create(self, object_name: str, items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
        fields = self.field_map(object_name)
        defaults = CREATE_DEFAULTS.get(object_name, {})
        bodies = [(ref, payload({**defaults, **values}, fields)) for ref, values in items]
        return writes.create(self.rest, object_name, fields, bodies)

    def update(self, object_name: str, items: Sequence[tuple[str, dict]],
               versions: Mapping[str, str] | None = None) -> list[WriteOutcome]:
        """Salesforce collections have no precondition: `versions` is never given."""
        fields = self.field_map(object_name)
        bodies = [(str(record_id), payload(values, fields)) for record_id, values in items]
        return writes.update(self.rest, object_name, fields, bodies)

    # --- associations: lookup fields (Contact.AccountId, Task.WhoId, …) ----------------

    def via_field(self, object_name: str, to_object: str) -> str:
        for association in self.object(object_name).associations:
            if association.to_object == to_object and association.via_field:
                return association.via_field
        raise KeyError(f"salesforce {object_name} has no association to {to_object}")

    def read_associations(self, object_name: str, ids: Sequence[str],
                          to_object: str) -> list[AssociationRecord]:
        field = self.via_field(object_name, to_object)
        return [AssociationRecord(record.id, str(record.values[field]), primary=True)
                for record in self.read_by_ids(object_name, ids)
                if record.values.get(field)]

    def write_associations(self, object_name: str, to_object: str,
                           pairs: Sequence[AssociationRecord]) -> list[WriteOutcome]:
        """Point each record's lookup field at the other record (one per record)."""
        field = self.via_field(object_name, to_object)
        outcomes = self.update(object_name, [(p.from_id, {field: p.to_id}) for p in pairs])
        return [replace(o, error=_association_error(o.error, field)) if o.error else o
                for o in outcomes]

    def delete(self, object_name: str, ids: Sequence[str]) -> list[WriteOutcome]:
        self.object(object_name)
        return writes.delete(self.rest, ids)
