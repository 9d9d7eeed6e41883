"""Reading HubSpot: a full list first, then searches by last-modified time; archives.

The change cursor is JSON, opaque to the engine, and safe to store after its page:

* phase "list": the first full read pages GET /crm/v3/objects/<type> with
  `after` (no search limits apply). `since` is HubSpot's clock (Date header) at
  the first page, minus the index lag, so changes made while listing are read again.
* phase "search": POST /crm/v3/objects/<type>/search, `lastmodifieddate >= pos`,
  ascending. Every page starts a new search at the last timestamp seen (`pos`)
  instead of following `after` offsets: an offset skips a record whenever an
  earlier one is modified mid-paging (it moves to the end of the order), and
  offsets stop at 10,000 results. Records at exactly `pos` come back again; the
  engine dedupes. If a whole page shares one timestamp, a "tie" pass walks those
  records by hs_object_id before moving on, so equal timestamps never lose records.
* When a cycle ends, `since` moves to (HubSpot's time at the cycle's first
  search) minus LAG: search is eventually consistent, and a record modified just
  before a search may be indexed after it.
  https://developers.hubspot.com/docs/api/crm/search#limitations
"""

from dataclasses import dataclass, replace

from connectors.hubspot.client import CrmApi, ResultPage, result_page
from connectors.hubspot.spec import modified_property
from connectors.hubspot.values import parse_time, record_from_object, to_millis
from connectors.sdk import (
    AppRecord,
    ConnectorError,
    DeletedPage,
    DeletedRecord,
    ErrorCategory,
    Field,
    Page,
    Paginator,
)
from connectors.sdk.cursors import StoredCursor

APP = "HubSpot"
LAG_MS = 30_000  # how far behind the search index may be
SEARCH_MAX = 200  # records per search page
BATCH_MAX = 100  # inputs per batch call


@dataclass(frozen=True)
class ChangeCursor(StoredCursor):
    app = "HubSpot"

    phase: str = "list"
    since: int | None = None  # epoch ms: where the next cycle starts
    after: str | None = None  # list phase: HubSpot's paging token
    pos: int | None = None  # search phase: the timestamp this cycle has reached
    tie: str | None = None  # tie pass: the last hs_object_id read at `pos`
    started: int | None = None  # HubSpot's clock at this cycle's first search


def _records(page: ResultPage, fields: dict[str, Field]) -> list[AppRecord]:
    converted = (record_from_object(obj, fields) for obj in page.results)
    return [record for record in converted if record is not None]


def _millis(obj: dict, prop: str) -> int | None:
    props = found if isinstance(found := obj.get("properties"), dict) else {}
    moment = parse_time(obj.get("updatedAt")) or parse_time(props.get(prop))
    return to_millis(moment) if moment else None


def read_changes(api: CrmApi, object_name: str, fields: dict[str, Field],
                 cursor: str | None, limit: int) -> Page:
    state = ChangeCursor.decode(cursor)
    if state.phase == "list":
        return _list_step(api, object_name, fields, state, limit)
    return _search_step(api, object_name, fields, state, limit)


def _list_step(api, object_name, fields, state: ChangeCursor, limit: int) -> Page:
    page = api.list_page(object_name, properties=list(fields), limit=limit, after=state.after)
    since = state.since if state.since is not None else page.server_ms - LAG_MS
    records = _records(page, fields)
    after = Paginator(APP, state.after).advance(page.next_after)
    if after:
        return Page(records, replace(state, since=since, after=after).encode(), False)
    return Page(records, ChangeCursor(phase="search", since=since).encode(), True)


def _search_body(object_name: str, state: ChangeCursor, properties: list[str], limit: int):
    prop = modified_property(object_name)
    if state.tie is None:
        filters = [{"propertyName": prop, "operator": "GTE", "value": str(state.pos)}]
        sort = prop
    else:
        filters = [{"propertyName": prop, "operator": "EQ", "value": str(state.pos)},
                   {"propertyName": "hs_object_id", "operator": "GT", "value": state.tie}]
        sort = "hs_object_id"
    return {
        "filterGroups": [{"filters": filters}],
        "sorts": [{"propertyName": sort, "direction": "ASCENDING"}],
        "properties": properties, "limit": min(limit, SEARCH_MAX),
    }


def _search_step(api, object_name, fields, state: ChangeCursor, limit: int) -> Page:
    since = state.since or 0
    pos = state.pos if state.pos is not None else since
    state = replace(state, pos=pos)
    page = api.search(object_name, _search_body(object_name, state, list(fields), limit))
    started = state.started or page.server_ms
    state = replace(state, started=started)
    records = _records(page, fields)
    if page.next_after is None:
        if state.tie is not None:  # every record at `pos` is read: continue after it
            return Page(records, replace(state, tie=None, pos=pos + 1).encode(), False)
        next_since = max(since, started - LAG_MS)
        return Page(records, ChangeCursor(phase="search", since=next_since).encode(), True)
    if state.tie is not None:  # the tie pass pages by the last id read at `pos`
        last_id = max((r.id for r in records), key=_id_order, default=state.tie)
        tie = Paginator(APP, state.tie).advance(last_id)
        return Page(records, replace(state, tie=tie).encode(), False)
    prop = modified_property(object_name)
    stamps = [t for t in (_millis(obj, prop) for obj in page.results) if t is not None]
    reached = max(stamps, default=pos)
    if reached > pos:
        return Page(records, replace(state, pos=reached).encode(), False)
    return Page(records, replace(state, tie="0").encode(), False)  # a full page of one time


def _id_order(object_id: str) -> tuple[int, str]:
    return (int(object_id), "") if object_id.isdigit() else (0, object_id)


# --- deleted (archived) records ---------------------------------------------------


@dataclass(frozen=True)
class DeletedCursor(StoredCursor):
    """`since`/`seen`: the newest archivedAt reported and the ids archived at it.
    During a pass over the archive: its paging token and the newest time so far."""

    app = "HubSpot"

    since: int | None = None
    seen: tuple[str, ...] = ()
    after: str | None = None
    newest: int | None = None
    newest_ids: tuple[str, ...] = ()

    def is_new(self, archived_ms: int, object_id: str) -> bool:
        if self.since is None or archived_ms > self.since:
            return True
        return archived_ms == self.since and object_id not in self.seen

    def noting(self, archived_ms: int, object_id: str) -> "DeletedCursor":
        if self.newest is None or archived_ms > self.newest:
            return replace(self, newest=archived_ms, newest_ids=(object_id,))
        if archived_ms == self.newest:
            return replace(self, newest_ids=(*self.newest_ids, object_id))
        return self

    def finished(self) -> "DeletedCursor":
        if self.newest is None or (self.since is not None and self.newest < self.since):
            return DeletedCursor(since=self.since, seen=self.seen)
        if self.newest == self.since:
            return DeletedCursor(since=self.since, seen=tuple(sorted({*self.seen,
                                                                      *self.newest_ids})))
        return DeletedCursor(since=self.newest, seen=tuple(sorted(set(self.newest_ids))))


def read_deleted(api: CrmApi, object_name: str, cursor: str | None, limit: int) -> DeletedPage:
    """HubSpot lists archived records (kept 90 days) by id, not by time, so each
    pass walks the whole archive and reports what was archived since the cursor.
    https://developers.hubspot.com/docs/api/crm/understanding-the-crm#retrieve-archived-records"""
    state = DeletedCursor.decode(cursor)
    page = api.list_page(object_name, properties=["hs_object_id"], limit=limit,
                         after=state.after, archived=True)
    gone = []
    for obj in page.results:
        moment = parse_time(obj.get("archivedAt"))
        if obj.get("id") in (None, "") or moment is None:
            continue
        object_id, millis = str(obj["id"]), to_millis(moment)
        if state.is_new(millis, object_id):
            gone.append(DeletedRecord(id=object_id, deleted_at=moment))
        state = state.noting(millis, object_id)
    after = Paginator(APP, state.after).advance(page.next_after)
    if after:
        return DeletedPage(gone, replace(state, after=after).encode(), False)
    return DeletedPage(gone, state.finished().encode(), True)


def read_by_ids(api: CrmApi, object_name: str, fields: dict[str, Field], ids) -> list[AppRecord]:
    """Batch read, 100 ids a call; ids HubSpot does not know (207 errors) are left out.
    HubSpot ids are numeric, so anything else cannot exist and is not sent."""
    wanted = list(dict.fromkeys(str(i) for i in ids if str(i).isdigit()))
    found: list[AppRecord] = []
    for start in range(0, len(wanted), BATCH_MAX):
        inputs = [{"id": object_id} for object_id in wanted[start:start + BATCH_MAX]]
        try:
            response = api.batch(object_name, "read", inputs, properties=list(fields),
                                 propertiesWithHistory=[])
        except ConnectorError as exc:
            if exc.category is ErrorCategory.NOT_FOUND:
                continue
            raise
        found.extend(_records(result_page(response, "a batch read"), fields))
    return found
