"""Writing to Pipedrive: one request per record, since it has no batch endpoints.

Each item gets its own outcome, in order; a bad record fails alone. Several
requests are in flight at once (CAPABILITIES.concurrent_requests), paced by the connection's shared
limiter, so the 80-per-2-seconds budget stays full. When a failure concerns the
whole connection (token refused, rate limit, Pipedrive down), the items not yet
started are not attempted and carry the same error, while the records already
written keep their outcomes (connectors/sdk/outcomes.py).
https://pipedrive.readme.io/docs/core-api-concepts-requests
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from connectors.pipedrive import custom_fields
from connectors.pipedrive.adapter import Adapter, Context
from connectors.pipedrive.spec import CAPABILITIES
from connectors.sdk.connector import Connector
from connectors.sdk.errors import ConnectorError, ErrorCategory
from connectors.sdk.outcomes import per_item
from connectors.sdk.records import AppRecord, AssociationRecord, WriteOutcome
from connectors.sdk.spec import Field

if TYPE_CHECKING:
    from connectors.pipedrive.client import PipedriveApi


class WritesMixin(Connector):
    """create / update / delete / write_associations / webhooks of PipedriveConnector."""

    if TYPE_CHECKING:  # PipedriveConnector's plumbing (connector.py), which these use
        def adapter(self, object_name: str) -> Adapter: ...
        def client(self, api: str) -> "PipedriveApi": ...
        def context(self, adapter: Adapter, *, writing: bool = False) -> Context: ...
        def account_currency(self) -> str: ...
        def to_record(self, adapter: Adapter, raw: dict, context: Context) -> AppRecord: ...
        def custom_fields(self, object_name: str) -> dict[str, tuple[Field, str]]: ...
        def via_field(self, object_name: str, to_object: str) -> str: ...

    def create(self, object_name: str, items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
        adapter = self.adapter(object_name)
        self.context(adapter, writing=True)  # the account's currency, read once, not per thread

        def create_one(_ref: str, record_values: dict) -> AppRecord:
            payload = self.payload(adapter, record_values, None)
            raw = self.client(adapter.api).record("POST", adapter.path, json=payload)
            return self.to_record(adapter, raw, self.context(adapter, writing=True))

        return _each(self.http, items, create_one)

    def update(self, object_name: str, items: Sequence[tuple[str, dict]],
               versions: Mapping[str, str] | None = None) -> list[WriteOutcome]:
        """Pipedrive has no conditional writes: `versions` is never given (spec)."""
        adapter = self.adapter(object_name)
        self.context(adapter, writing=True)
        return _each(self.http, items,
                     lambda app_id, changes: self.update_one(adapter, app_id, changes))

    def update_one(self, adapter: Adapter, app_id: str, changes: dict) -> AppRecord:
        path = f"{adapter.path}/{_numeric(app_id)}"
        api = self.client(adapter.api)
        current = api.record("GET", path) if adapter.needs_current(changes) else None
        payload = self.payload(adapter, changes, current)
        if not payload:
            raw = current or api.record("GET", path)
        else:
            raw = api.record(adapter.update_method, path, json=payload)
        return self.to_record(adapter, raw, self.context(adapter, writing=True))

    def delete(self, object_name: str, ids: Sequence[str]) -> list[WriteOutcome]:
        adapter = self.adapter(object_name)

        def delete_one(app_id: str, _unused: None) -> None:
            self.client(adapter.api).call("DELETE", f"{adapter.path}/{_numeric(app_id)}")

        return _each(self.http, [(app_id, None) for app_id in ids], delete_one)

    def write_associations(
        self, object_name: str, to_object: str, pairs: Sequence[AssociationRecord]
    ) -> list[WriteOutcome]:
        """Point each record's reference field at the other record (one per record)."""
        adapter, field = self.adapter(object_name), self.via_field(object_name, to_object)

        def link(from_id: str, to_id: str) -> AppRecord:
            try:
                return self.update_one(adapter, from_id, {field: to_id})
            except ConnectorError as exc:
                if exc.category is not ErrorCategory.INVALID_VALUE:
                    raise
                raise ConnectorError(
                    ErrorCategory.ASSOCIATION_FAILED, f"Pipedrive refused {field}={to_id}.",
                    vendor_message=exc.vendor_message, status=exc.status, field=field,
                ) from None

        return _each(self.http, [(pair.from_id, pair.to_id) for pair in pairs], link)

    # --- payloads -----------------------------------------------------------------------

    def payload(self, adapter: Adapter, record_values: dict, current: dict | None) -> dict:
        """The request body: declared fields through the adapter, custom ones by type."""
        declared = self.object(adapter.name)
        standard: dict = {}
        custom: dict = {}
        for name, value in record_values.items():
            field = declared.field(name)
            if field is not None and field.read_only:
                raise ConnectorError(
                    ErrorCategory.READ_ONLY, f"{name} is read-only in Pipedrive.", field=name
                )
            (standard if field is not None else custom)[name] = value
        payload = adapter.to_payload(standard, current, self.context(adapter, writing=True))
        if custom:
            payload["custom_fields"] = self.custom_payload(adapter, custom)
        return payload

    def custom_payload(self, adapter: Adapter, custom: dict) -> dict:
        known = self.custom_fields(adapter.name)
        out = {}
        for name, value in custom.items():
            if name not in known:
                raise ConnectorError(
                    ErrorCategory.INVALID_VALUE,
                    f"{name}: Pipedrive {adapter.name} have no such field (deleted?).", field=name,
                )
            kind = known[name][1]
            currency = self.account_currency() if kind == "monetary" else ""
            out[name] = custom_fields.write_value(name, kind, value, currency)
        return out

    # --- webhooks: registered per object by the product (syncapp/inbound) ---

    def register_webhook(
        self, object_name: str, url: str, *, user: str | None = None, password: str | None = None
    ) -> str:
        """Ask Pipedrive to POST every change of `object_name` to `url` (webhooks v2).
        https://pipedrive.readme.io/docs/guide-for-webhooks-v2"""
        adapter = self.adapter(object_name)
        body = {
            "subscription_url": url, "event_action": "*", "event_object": adapter.recents_item,
            "name": f"Syncapp {object_name}", "version": "2.0",
        }
        if user:
            body.update(http_auth_user=user, http_auth_password=password or "")
        return str(self.client("v1").record("POST", "/webhooks", json=body)["id"])

    def remove_webhook(self, webhook_id: str) -> None:
        # This one answers `{"success": true, "status": "ok"}`, without `data`.
        self.client("v1").call("DELETE", f"/webhooks/{_numeric(webhook_id)}", needs_data=False)


def _numeric(app_id: str) -> str:
    """Pipedrive ids are integers; anything else cannot name a record."""
    if not str(app_id).isdigit():
        raise ConnectorError(ErrorCategory.NOT_FOUND, f"{app_id!r} is not a Pipedrive id.")
    return str(app_id)


def _each(http, items, work) -> list[WriteOutcome]:
    with http.pinned_auth():
        return per_item(items, work, workers=CAPABILITIES.concurrent_requests)
