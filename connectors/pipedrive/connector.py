"""The Pipedrive connector: reads by update time, deletions from /v1/recents, one write per call.

API v2 serves persons, organizations, deals, products and activities; notes,
users, recents and webhooks are still API v1 only.
https://pipedrive.readme.io/docs/pipedrive-api-v2
"""

import datetime as dt
from collections.abc import Sequence

from connectors.pipedrive import custom_fields, values, webhooks
from connectors.pipedrive.activities import Activities
from connectors.pipedrive.adapter import Adapter, Context, is_deleted
from connectors.pipedrive.client import (
    APP,
    PipedriveApi,
    ReadCursor,
    more_items,
    next_cursor,
    next_window,
    read_error,
)
from connectors.pipedrive.deals import Deals
from connectors.pipedrive.notes import Notes
from connectors.pipedrive.organizations import Organizations
from connectors.pipedrive.persons import Persons
from connectors.pipedrive.products import Products
from connectors.pipedrive.spec import SPEC
from connectors.pipedrive.writes import WritesMixin
from connectors.sdk.connector import Connector
from connectors.sdk.errors import ConnectorError, ErrorCategory
from connectors.sdk.http import HttpClient
from connectors.sdk.paging import Paginator
from connectors.sdk.records import (
    AccountInfo,
    AppRecord,
    AssociationRecord,
    DeletedPage,
    DeletedRecord,
    Page,
)
from connectors.sdk.spec import Field
from connectors.sdk.webhooks import BASIC_AUTH, WebhookEvent

ADAPTERS: dict[str, Adapter] = {
    a.name: a for a in (Persons(), Organizations(), Deals(), Products(), Activities(), Notes())
}
# Below the company's api_domain (from the token response), where each API lives.
API_PATHS = {"v1": "/api/v1", "v2": "/api/v2"}
MAX_PAGE = 500  # both APIs refuse a larger `limit`
IDS_PER_CALL = 100  # v2 list endpoints take at most 100 `ids`
# Pipedrive keeps deleted records for 30 days, then erases them for good.
# https://developers.pipedrive.com/changelog/post/permanent-deletion-logic-for-6-core-entities
DELETED_KEPT = dt.timedelta(days=30)


class PipedriveConnector(WritesMixin, Connector):
    spec = SPEC
    api_bases = {"v1": "https://api.pipedrive.com/api/v1", "v2": "https://api.pipedrive.com/api/v2"}
    sandbox_paths = {
        **API_PATHS,
        "authorize": "/oauth/authorize",
        "token": "/oauth/token",
        "revoke": "/oauth/revoke",
    }
    sandbox = "connectors.pipedrive.sandbox:PipedriveSandbox"
    # Webhooks v2 carry the HTTP basic-auth credentials given when registering.
    webhook_auth = BASIC_AUTH

    def __init__(self, http: HttpClient, *, api_bases=None, account=None):
        super().__init__(http, api_bases=api_bases, account=account)
        self.http.error_reader = read_error
        # OAuth tokens belong to one company, whose API host the token response
        # names (`api_domain`); it replaces the generic production host, but never
        # a base the product chose (a sandbox, a contract proxy).
        domain = self.account.get("api_domain")
        for name, path in API_PATHS.items():
            if domain and self.bases.get(name) == type(self).api_bases[name]:
                self.bases[name] = str(domain).rstrip("/") + path
        self._custom: dict[str, dict[str, tuple[Field, str]]] = {}
        self._currency: str | None = self.account.get("default_currency")

    @classmethod
    def webhook_events(cls, payload: object) -> list[WebhookEvent]:
        return webhooks.events(payload, {a.recents_item: a.name for a in ADAPTERS.values()})

    # --- plumbing ---------------------------------------------------------------------

    def adapter(self, object_name: str) -> Adapter:
        try:
            return ADAPTERS[object_name]
        except KeyError:
            raise KeyError(f"pipedrive has no object {object_name!r}") from None

    def client(self, api: str) -> PipedriveApi:
        return PipedriveApi(self.http, self.api(api))

    def context(self, adapter: Adapter, *, writing: bool = False) -> Context:
        """The account settings `adapter` needs. Reads make no extra call for them:
        the currency is known from the account, else the first price is shown."""
        if not adapter.uses_currency:
            return Context()
        return Context(currency=self.account_currency() if writing else self._currency)

    def account_currency(self) -> str:
        """The company's default currency (users/me, read once when first needed)."""
        if self._currency is None:
            self._currency = self.account_info().extra.get("default_currency") or "USD"
        return self._currency

    def to_record(self, adapter: Adapter, raw: dict, context: Context) -> AppRecord:
        record_values = adapter.to_values(raw, context)
        extra = raw.get("custom_fields")
        if isinstance(extra, dict):
            record_values.update({k: custom_fields.read_value(x) for k, x in extra.items()})
        return AppRecord(
            id=str(raw["id"]),
            values=record_values,
            modified_at=values.parse_time(raw.get("update_time")),
        )

    # --- the account and its fields ---------------------------------------------------

    def account_info(self) -> AccountInfo:
        me = self.client("v1").record("GET", "/users/me")
        company_id, domain = me.get("company_id"), me.get("company_domain")
        if company_id is None:
            raise ConnectorError(ErrorCategory.APP_UNAVAILABLE, "users/me named no company.")
        api_domain = self.account.get("api_domain") or (
            f"https://{domain}.pipedrive.com" if domain else None
        )
        return AccountInfo(
            id=str(company_id),
            name=str(me.get("company_name") or domain or company_id),
            extra={
                "api_domain": api_domain,
                "company_domain": domain,
                "default_currency": me.get("default_currency"),
                "user_id": me.get("id"),
            },
        )

    def discover_fields(self, object_name: str) -> Sequence[Field]:
        return tuple(field for field, _kind in self.custom_fields(object_name).values())

    def custom_fields(self, object_name: str) -> dict[str, tuple[Field, str]]:
        """Custom fields by key, with their Pipedrive type; read once per connector."""
        if object_name not in self._custom:
            adapter = self.adapter(object_name)
            found: dict[str, tuple[Field, str]] = {}
            if adapter.fields_path:
                for meta in self._all_fields(adapter.api, adapter.fields_path):
                    described = custom_fields.field_from_metadata(meta)
                    if described:
                        found[described[0].name] = described
            self._custom[object_name] = found
        return self._custom[object_name]

    def _all_fields(self, api: str, path: str) -> list[dict]:
        def fetch(cursor: str | None) -> tuple[list[dict], str | None]:
            params = {"limit": MAX_PAGE, **({"cursor": cursor} if cursor else {})}
            page, extra = self.client(api).records(path, params, key="field_code")
            return page, next_cursor(extra)

        return [row for page in Paginator[str](APP).pages(fetch) for row in page]

    # --- reads ------------------------------------------------------------------------

    def read_changes(self, object_name: str, cursor: str | None, limit: int = 100) -> Page:
        # Our own writes come back too: Pipedrive has no "updated by" filter, and the
        # token is a person's who also edits (BEHAVIOR.md); the engine drops them by stamp.
        adapter = self.adapter(object_name)
        state = ReadCursor.decode(cursor)
        limit = max(1, min(limit, MAX_PAGE))
        read = self._v2_changes if adapter.api == "v2" else self._v1_changes
        rows, state, done = read(adapter, state, limit)
        context = self.context(adapter) if rows else Context()
        records = [self.to_record(adapter, row, context) for row in rows if not is_deleted(row)]
        return Page(records, state.encode(), done=done)

    def _v2_changes(self, adapter: Adapter, state: ReadCursor, limit: int):
        # A v2 cursor is a position (sort value and id), so records changed
        # mid-pass are met later, never skipped. `updated_since` is inclusive:
        # records sharing the newest second are read again on the next pass.
        params: dict = {"sort_by": "update_time", "sort_direction": "asc", "limit": limit}
        if state.since:
            params["updated_since"] = state.since
        if state.page:
            params["cursor"] = state.page
        rows, extra = self.client("v2").records(adapter.path, params)
        following = Paginator[str | int](APP, state.page).advance(next_cursor(extra))
        state = state.advanced(following, _newest(rows))
        if state.page is None:
            return rows, state.finished(), True
        return rows, state, False

    def _v1_changes(self, adapter: Adapter, state: ReadCursor, limit: int):
        start = state.page if isinstance(state.page, int) else 0
        params: dict = {"sort": "update_time ASC, id ASC", "start": start, "limit": limit}
        if state.since:
            params["updated_since"] = state.since  # inclusive, like v2's
        rows, extra = self.client("v1").records(adapter.path, params)
        more = more_items(extra)
        return rows, next_window(state, _times(rows), more), not more

    def read_deleted(self, object_name: str, cursor: str | None, limit: int = 100) -> DeletedPage:
        """Deleted records from /v1/recents: changes whose record is marked deleted.
        `since_timestamp` has whole seconds and excludes itself, so each query
        starts one second before the window to re-read the newest second."""
        adapter = self.adapter(object_name)
        state = ReadCursor.decode(cursor)
        if state.since is None:
            state = ReadCursor(values.iso(dt.datetime.now(dt.UTC) - DELETED_KEPT))
        since = values.parse_time(state.since) or dt.datetime.now(dt.UTC) - DELETED_KEPT
        params = {
            "since_timestamp": values.v1_time(since - dt.timedelta(seconds=1)),
            "items": adapter.recents_item,
            "start": state.page if isinstance(state.page, int) else 0,
            "limit": max(1, min(limit, MAX_PAGE)),
        }
        rows, extra = self.client("v1").records("/recents", params)
        changes = [data if isinstance(data := row.get("data"), dict) else {} for row in rows]
        gone = [
            DeletedRecord(str(row.get("id")), values.parse_time(data.get("update_time")))
            for row, data in zip(rows, changes, strict=True)
            if row.get("item") == adapter.recents_item and is_deleted(data)
        ]
        more = more_items(extra)
        return DeletedPage(gone, next_window(state, _times(changes), more).encode(), not more)

    def read_by_ids(self, object_name: str, ids: Sequence[str]) -> list[AppRecord]:
        adapter = self.adapter(object_name)
        wanted = [str(i) for i in ids if str(i).isdigit()]
        if adapter.api == "v1":
            rows = [row for i in wanted if (row := self._v1_one(adapter, i)) is not None]
        else:
            rows = []
            for offset in range(0, len(wanted), IDS_PER_CALL):
                chunk = ",".join(wanted[offset:offset + IDS_PER_CALL])
                params = {"ids": chunk, "limit": IDS_PER_CALL}
                rows.extend(self.client("v2").records(adapter.path, params)[0])
        rows = [row for row in rows if not is_deleted(row) and str(row.get("id")) in wanted]
        context = self.context(adapter) if rows else Context()
        return [self.to_record(adapter, row, context) for row in rows]

    def _v1_one(self, adapter: Adapter, app_id: str) -> dict | None:
        try:
            return self.client("v1").record("GET", f"{adapter.path}/{app_id}")
        except ConnectorError as exc:
            if exc.category is ErrorCategory.NOT_FOUND:
                return None
            raise

    # --- associations: each is a field on the record (person.org_id, …) ---------------

    def via_field(self, object_name: str, to_object: str) -> str:
        for association in self.object(object_name).associations:
            if association.to_object == to_object and association.via_field:
                return association.via_field
        raise KeyError(f"pipedrive {object_name} have no association to {to_object}")

    def read_associations(
        self, object_name: str, ids: Sequence[str], to_object: str
    ) -> list[AssociationRecord]:
        field = self.via_field(object_name, to_object)
        return [
            AssociationRecord(record.id, record.values[field], primary=True)
            for record in self.read_by_ids(object_name, ids)
            if record.values.get(field)
        ]


def _times(rows: list[dict]) -> list[str]:
    """The canonical update times of `rows`, in their (ascending) order."""
    return [t for row in rows if (t := values.timestamp(row.get("update_time")))]


def _newest(rows: list[dict]) -> str | None:
    times = _times(rows)
    return max(times) if times else None
