"""The HubSpot connector: CRM v3 objects, v4 associations, one HubSpot account each."""

from collections.abc import Mapping, Sequence

from connectors.hubspot import app_webhooks, associations, reads, webhooks, writes
from connectors.hubspot.activities import create_defaults
from connectors.hubspot.client import CrmApi, install, unexpected
from connectors.hubspot.spec import SPEC, object_spec
from connectors.hubspot.values import properties_from_values
from connectors.sdk import (
    AccountInfo,
    AppRecord,
    AssociationRecord,
    Connector,
    ConnectorError,
    DeletedPage,
    ErrorCategory,
    Field,
    FieldType,
    HttpClient,
    ObjectSpec,
    Option,
    Page,
    WriteOutcome,
)
from connectors.sdk.webhooks import APP_SIGNATURE, WebhookEvent, WebhookRequest

# HubSpot property (type, fieldType) -> FieldType.
# https://developers.hubspot.com/docs/api/crm/properties#property-type-and-fieldtype-values
_BY_TYPE = {"number": FieldType.NUMBER, "date": FieldType.DATE,
            "datetime": FieldType.DATETIME, "bool": FieldType.BOOLEAN}
_BY_FIELD_TYPE = {"textarea": FieldType.TEXTAREA, "html": FieldType.TEXTAREA,
                  "phonenumber": FieldType.PHONE}
_ENUM_FIELD_TYPES = {"checkbox": FieldType.MULTI_ENUMERATION, "radio": FieldType.RADIO,
                     "booleancheckbox": FieldType.BOOLEAN}


def field_from_property(prop: dict) -> Field | None:
    """A custom property definition as a Field; None when it is not usable."""
    name, kind, shown = prop.get("name"), prop.get("type"), str(prop.get("fieldType"))
    if not isinstance(name, str) or not name:
        return None
    if kind == "enumeration":
        field_type = _ENUM_FIELD_TYPES.get(shown, FieldType.ENUMERATION)
    else:
        field_type = _BY_TYPE.get(str(kind)) or _BY_FIELD_TYPE.get(shown, FieldType.TEXT)
    metadata = prop.get("modificationMetadata") or {}
    options = tuple(
        Option(str(o["value"]), str(o.get("label") or o["value"]))
        for o in prop.get("options") or []
        if isinstance(o, dict) and o.get("value") is not None and not o.get("hidden")
    )
    return Field(
        name, str(prop.get("label") or name), field_type,
        read_only=bool(prop.get("calculated") or metadata.get("readOnlyValue")),
        options=options if field_type in (FieldType.ENUMERATION, FieldType.RADIO,
                                          FieldType.MULTI_ENUMERATION) else (),
        custom=True,
    )


class HubSpotConnector(Connector):
    spec = SPEC
    api_bases = {"api": "https://api.hubapi.com"}
    # The sandbox serves the API at its root, as api.hubapi.com does, and the
    # consent page at /oauth/authorize and record pages ("web") as app.hubspot.com does.
    sandbox_paths = {"api": "", "authorize": "/oauth/authorize", "token": "/oauth/v1/token",
                     "revoke": "/oauth/v1/refresh-tokens", "web": ""}
    sandbox = "connectors.hubspot.sandbox:HubSpotSandbox"
    # One webhook target for the whole app, signed with its client secret (webhooks.py).
    webhook_auth = APP_SIGNATURE

    @classmethod
    def verify_webhook(cls, request: WebhookRequest, client_secret: str, now: float) -> None:
        webhooks.verify(request, client_secret, now)

    @classmethod
    def webhook_events(cls, payload: object) -> list[WebhookEvent]:
        return webhooks.events(payload)

    @classmethod
    def configure_app_webhooks(cls, api_root: str, app_id: str, developer_key: str,
                               target_url: str) -> int:
        return app_webhooks.configure(api_root, app_id, developer_key, target_url,
                                      cls.spec.objects)

    def __init__(self, http: HttpClient, *, api_bases: dict[str, str] | None = None,
                 account: dict | None = None):
        super().__init__(http, api_bases=api_bases, account=account)
        install(http)
        self.crm = CrmApi(http, self.api("api"))
        self._custom: dict[str, tuple[Field, ...]] = {}

    def object(self, name: str) -> ObjectSpec:
        return object_spec(name)  # also knows line items, which are not offered for pairing

    # --- the account ------------------------------------------------------------------

    def account_info(self) -> AccountInfo:
        """GET /oauth/v1/access-tokens/<token>: the portal (hub_id) behind the token.
        https://developers.hubspot.com/docs/api/oauth/tokens#get-access-token-information"""
        body = self._token_info()
        hub_id = body.get("hub_id") if isinstance(body, dict) else None
        if hub_id in (None, ""):
            raise unexpected("the token information", body)
        domain = body.get("hub_domain") or f"HubSpot account {hub_id}"
        extra = {"hub_id": str(hub_id), "hub_domain": domain, "user": body.get("user"),
                 "scopes": list(body.get("scopes") or [])}
        return AccountInfo(id=str(hub_id), name=str(domain), extra=extra)

    def _access_token(self) -> str:
        value = self.http.auth.headers().get("Authorization", "")
        if not value.startswith("Bearer "):
            raise ConnectorError(ErrorCategory.AUTH_EXPIRED, "No HubSpot access token.")
        return value.removeprefix("Bearer ")

    def _token_info(self):
        # The token travels in the path, so the client's refresh-and-retry resends
        # the stale one: after a refusal, refresh (once, under the store's lock) and
        # ask again with the fresh token.
        token = self._access_token()
        url = f"{self.api('api')}/oauth/v1/access-tokens/"
        try:
            return self.http.request("GET", url + token).body
        except ConnectorError as exc:
            if exc.category not in (ErrorCategory.AUTH_EXPIRED, ErrorCategory.NOT_FOUND):
                raise
            self.http.auth.refresh({"Authorization": f"Bearer {token}"})
        return self.http.request("GET", url + self._access_token()).body

    # --- fields -----------------------------------------------------------------------

    def discover_fields(self, object_name: str) -> Sequence[Field]:
        """Custom properties (hubspotDefined false) from GET /crm/v3/properties/<type>."""
        if object_name not in self._custom:
            # Without a crm.schemas scope the static fields still sync.
            properties: list[dict] = self.metadata_if_allowed(
                object_name, lambda: self.crm.properties(object_name), [])
            found = (field_from_property(p) for p in properties
                     if not p.get("hubspotDefined") and not p.get("archived"))
            self._custom[object_name] = tuple(f for f in found if f is not None)
        return self._custom[object_name]

    # --- reads ------------------------------------------------------------------------

    def read_changes(self, object_name: str, cursor: str | None, limit: int = 100) -> Page:
        # Our own writes come back too: nothing lets the search leave them out (no
        # reliable "modified by" filter, BEHAVIOR.md); the engine drops them by stamp.
        fields = self.field_map(object_name)
        return reads.read_changes(self.crm, object_name, fields, cursor, limit)

    def read_deleted(self, object_name: str, cursor: str | None, limit: int = 100) -> DeletedPage:
        self.object(object_name)
        return reads.read_deleted(self.crm, object_name, cursor, limit)

    def read_by_ids(self, object_name: str, ids: Sequence[str]) -> list[AppRecord]:
        return reads.read_by_ids(self.crm, object_name, self.field_map(object_name), ids)

    # --- writes -----------------------------------------------------------------------

    def create(self, object_name: str, items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
        fields = self.field_map(object_name)
        bodies = [(ref, {"properties": properties_from_values(
            create_defaults(object_name, values), fields)}) for ref, values in items]
        return writes.create(self.crm, object_name, fields, bodies)

    def update(self, object_name: str, items: Sequence[tuple[str, dict]],
               versions: Mapping[str, str] | None = None) -> list[WriteOutcome]:
        """HubSpot has no conditional writes: `versions` is never given (spec)."""
        fields = self.field_map(object_name)
        bodies = [(str(app_id), {"id": str(app_id),
                                 "properties": properties_from_values(values, fields)})
                  for app_id, values in items]
        return writes.update(self.crm, object_name, fields, bodies)

    def delete(self, object_name: str, ids: Sequence[str]) -> list[WriteOutcome]:
        self.object(object_name)
        return writes.delete(self.crm, object_name, ids)

    # --- associations -----------------------------------------------------------------

    def read_associations(self, object_name: str, ids: Sequence[str],
                          to_object: str) -> list[AssociationRecord]:
        return associations.read(self.crm, object_name, ids, to_object)

    def write_associations(self, object_name: str, to_object: str,
                           pairs: Sequence[AssociationRecord]) -> list[WriteOutcome]:
        return associations.write(self.crm, object_name, to_object, list(pairs))
