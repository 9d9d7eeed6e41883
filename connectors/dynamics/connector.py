"""The Dynamics 365 connector: one Dataverse environment per connection.

Reads use change tracking: the first read pages through the table with
`Prefer: odata.track-changes` and ends on a delta link; following that link
later returns what was created, changed or deleted since.
https://learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems
"""

import logging
from collections.abc import Mapping, Sequence

from connectors.dynamics import associations, identity, webhooks, writes
from connectors.dynamics.client import (
    API_PATH,
    ensure_collection,
    error_reader,
    etag_of,
    headers,
    is_expired_delta,
    is_guid,
    max_page_size,
    query,
    relative_link,
)
from connectors.dynamics.entities import Entity
from connectors.dynamics.metadata import custom_fields
from connectors.dynamics.spec import ENTITIES, SPEC
from connectors.dynamics.values import from_vendor, parse_time
from connectors.sdk import (
    AccountInfo,
    AppRecord,
    AssociationRecord,
    Connector,
    ConnectorError,
    DeletedPage,
    DeletedRecord,
    Field,
    Page,
    Paginator,
    WriteOutcome,
)
from connectors.sdk import ErrorCategory as Cat
from connectors.sdk.webhooks import WEBHOOK_KEY, WebhookEvent

log = logging.getLogger(__name__)

APP = "Dynamics 365"
TRACK_CHANGES = "odata.track-changes"
IDS_PER_FILTER = 50  # keeps a read-by-ids URL well under Dataverse's URL length limit


class DynamicsConnector(Connector):
    spec = SPEC
    api_bases = {"discovery": "https://globaldisco.crm.dynamics.com/api/discovery/v2.0"}
    sandbox_paths = {
        "discovery": "/globaldisco/api/discovery/v2.0",
        "authorize": "/organizations/oauth2/v2.0/authorize",
        "token": "/organizations/oauth2/v2.0/token",
    }
    sandbox = "connectors.dynamics.sandbox:create_sandbox"
    # A webhook service endpoint per table, with the key Syncapp generated as `?code=`.
    webhook_auth = WEBHOOK_KEY

    def __init__(self, http, *, api_bases=None, account=None):
        super().__init__(http, api_bases=api_bases, account=account)
        # The HTTP client reads Dataverse's error bodies to classify failures.
        self.http.error_reader = error_reader
        self._web_api: str | None = None
        self._instance: dict | None = None
        self._custom: dict[str, tuple[Field, ...]] = {}

    # --- where and who ---------------------------------------------------------------

    def web_api(self) -> str:
        """The environment's Web API root: from the connection, else discovered."""
        if self._web_api is None:
            url = self.account.get("instance_url")
            if not url:
                found = identity.discover_instances(self.http, self.api("discovery"))
                self._instance = identity.choose_instance(found, None)
                url = self._instance["ApiUrl"]
            self._web_api = str(url).rstrip("/") + API_PATH
        return self._web_api

    @classmethod
    def token_scope(cls, account: dict) -> str | None:
        """Microsoft issues one token per resource: after consent (for discovery) the
        connection refreshes into a token for its own environment."""
        url = account.get("instance_url")
        return f"{str(url).rstrip('/')}/user_impersonation offline_access" if url else None

    def account_info(self) -> AccountInfo:
        web_api = self.web_api()
        return identity.account_info(self.http, web_api, self._instance)

    def entity(self, object_name: str) -> Entity:
        self.object(object_name)  # raises KeyError for an unknown object
        return ENTITIES[object_name]

    def discover_fields(self, object_name: str) -> Sequence[Field]:
        entity = self.entity(object_name)
        if not entity.customizable:
            return ()
        if object_name not in self._custom:
            self._custom[object_name] = custom_fields(
                self.http, self.web_api(), entity.logical_name)
        return self._custom[object_name]

    # --- reads -----------------------------------------------------------------------

    def read_changes(self, object_name: str, cursor: str | None, limit: int = 100) -> Page:
        # Our own writes come back too: a delta read takes no $filter (so no
        # `_modifiedby_value ne …`, BEHAVIOR.md); the engine drops them by ETag.
        entity = self.entity(object_name)
        fields = self.fields(object_name)
        start = self.collection_url(entity, self.select_columns(entity, fields))
        body = self._tracked_page(entity, start, cursor, limit)
        if body is None:  # the delta link expired: Dataverse wants a full read
            return self.read_changes(object_name, None, limit)
        records = [self._record(entity, fields, row) for row in body["value"]
                   if not is_deleted(row)]
        following, done = _continuation(body, cursor)
        return Page([r for r in records if r], following, done)

    def read_deleted(self, object_name: str, cursor: str | None, limit: int = 100) -> DeletedPage:
        """Deletions come through a delta link of their own, kept apart from the one
        read_changes follows, so each cursor stays safe to store on its own."""
        entity = self.entity(object_name)
        start = self.collection_url(entity, entity.primary_id)
        body = self._tracked_page(entity, start, cursor, max(limit, 1000))
        if body is None:
            log.warning("dynamics: delta link for %s expired; deletions since are lost",
                        object_name)
            return self.read_deleted(object_name, None, limit)
        gone = [DeletedRecord(id=str(row["id"])) for row in body["value"]
                if is_deleted(row) and row.get("id")]
        following, done = _continuation(body, cursor)
        return DeletedPage(gone, following, done)

    def read_by_ids(self, object_name: str, ids: Sequence[str]) -> list[AppRecord]:
        entity = self.entity(object_name)
        fields = self.fields(object_name)
        wanted = [i for i in dict.fromkeys(ids) if is_guid(i)]
        found: list[AppRecord] = []
        for start in range(0, len(wanted), IDS_PER_FILTER):
            chunk = wanted[start:start + IDS_PER_FILTER]
            condition = " or ".join(f"{entity.primary_id} eq {i}" for i in chunk)
            url = self.collection_url(entity, self.select_columns(entity, fields), condition)
            for row in self.all_rows(url):
                record = self._record(entity, fields, row)
                if record:
                    found.append(record)
        return found

    # --- writes and associations ------------------------------------------------------

    def create(self, object_name: str, items: Sequence[tuple[str, dict]]) -> list[WriteOutcome]:
        return writes.create(self, self.entity(object_name), items)

    def update(self, object_name: str, items: Sequence[tuple[str, dict]],
               versions: Mapping[str, str] | None = None) -> list[WriteOutcome]:
        return writes.update(self, self.entity(object_name), items, versions or {})

    def delete(self, object_name: str, ids: Sequence[str]) -> list[WriteOutcome]:
        return writes.delete(self, self.entity(object_name), ids)

    def read_associations(self, object_name: str, ids: Sequence[str],
                          to_object: str) -> list[AssociationRecord]:
        return associations.read(self, self.entity(object_name), ids, to_object)

    def write_associations(self, object_name: str, to_object: str,
                           pairs: Sequence[AssociationRecord]) -> list[WriteOutcome]:
        return associations.write(self, self.entity(object_name), to_object, pairs)

    # --- webhooks: registered per object by the product (syncapp/inbound) -----------

    def register_webhook(self, object_name: str, url: str, *, user: str | None = None,
                         password: str | None = None) -> str:
        """A service endpoint for `url` keyed with `password` (the WebhookKey), and its
        Create, Update and Delete steps on the object's table."""
        return webhooks.register(self, self.entity(object_name), url, password or "")

    def remove_webhook(self, webhook_id: str) -> None:
        webhooks.remove(self, webhook_id)

    @classmethod
    def webhook_events(cls, payload: object) -> list[WebhookEvent]:
        return webhooks.events(payload, {e.logical_name: name for name, e in ENTITIES.items()})

    # --- shared with writes and associations ------------------------------------------

    def select_columns(self, entity: Entity, fields: Sequence[Field]) -> str:
        """$select for `fields`: always the key, and each lookup as `_x_value`."""
        names = [entity.primary_id, *(f.name for f in fields),
                 *(lk.value_key for lk in entity.lookups)]
        return ",".join(dict.fromkeys(names))

    def collection_url(self, entity: Entity, select: str, condition: str = "") -> str:
        """The entity set's URL with $select and, if given, $filter."""
        return f"{self.web_api()}/{entity.set_name}" + query(select=select, filter=condition)

    def _tracked_page(self, entity: Entity, start: str, cursor: str | None,
                      limit: int) -> dict | None:
        """One page of a change-tracking read; None when the delta link expired."""
        url = start if cursor is None else self._follow(entity, cursor)
        try:
            reply = self.http.request(
                "GET", url, headers=headers(max_page_size(limit), TRACK_CHANGES))
        except ConnectorError as exc:
            if cursor is not None and is_expired_delta(exc):
                return None
            raise
        return ensure_collection(reply.body)

    def _follow(self, entity: Entity, cursor: str) -> str:
        if not cursor.startswith((f"{entity.set_name}?", f"{entity.set_name}(")):
            raise ConnectorError(Cat.UNKNOWN, f"The cursor does not belong to {entity.set_name}.",
                                 vendor_message=cursor[:200])
        return f"{self.web_api()}/{cursor}"

    def all_rows(self, url: str, *prefer: str):
        """Every row of a (non-tracked) query, following @odata.nextLink."""

        def fetch(link: str | None) -> tuple[list, str | None]:
            body = ensure_collection(self.http.request(
                "GET", link or url, headers=headers(max_page_size(500), *prefer)).body)
            return body["value"], body.get("@odata.nextLink") or None

        for rows in Paginator(APP, url).pages(fetch):
            yield from (row for row in rows if isinstance(row, dict))

    def _record(self, entity: Entity, fields: Sequence[Field], row: object) -> AppRecord | None:
        if not isinstance(row, dict) or not is_guid(str(row.get(entity.primary_id, ""))):
            log.warning("dynamics: %s row without a usable id skipped", entity.set_name)
            return None
        return AppRecord(
            id=str(row[entity.primary_id]).lower(),
            values=from_vendor(fields, row),
            modified_at=parse_time(row.get("modifiedon")),
            version=etag_of(row),
        )


def is_deleted(row: object) -> bool:
    """A `$deletedEntity` entry of a delta response: `{"@odata.context": "…/$deletedEntity",
    "id": "…", "reason": "deleted"}`."""
    return isinstance(row, dict) and "$deletedEntity" in str(row.get("@odata.context", ""))


def _continuation(body: dict, cursor: str | None) -> tuple[str, bool]:
    """(cursor, done): the nextLink while pages remain, then the deltaLink. A delta
    link may come back unchanged when nothing changed; a next link may not."""
    next_link, delta_link = body.get("@odata.nextLink"), body.get("@odata.deltaLink")
    if next_link:
        return Paginator(APP, cursor).advance(relative_link(str(next_link))) or "", False
    if delta_link:
        return relative_link(str(delta_link)), True
    raise ConnectorError(Cat.APP_UNAVAILABLE,
                         "The app ended a change-tracking read without a delta link.",
                         vendor_message=str(body)[:300])

