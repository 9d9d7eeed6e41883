"""Reading Salesforce: SOQL by SystemModstamp, the delete log, records by id.

The change cursor is JSON, opaque to the engine, and safe to store after its page.
A pass queries `WHERE (SystemModstamp, Id) > after ORDER BY SystemModstamp, Id` and
follows `nextRecordsUrl` (through the SDK's Paginator) to its end; ordering by Id
after the stamp makes the keyset exact, so records sharing one stamp are never lost
between passes. A stored query locator that expired (INVALID_QUERY_LOCATOR, after 15
minutes idle) restarts the pass after the last record already returned. A pass ends
LAG before Salesforce's clock at its start at the latest: a transaction that commits
late may carry an earlier stamp, so the next pass looks back that far (the engine
drops what it has already seen).
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_query.htm
"""

import datetime as dt
import email.utils
from dataclasses import dataclass, replace

from connectors.salesforce.client import APP, RestApi, unexpected
from connectors.salesforce.values import iso_utc, parse_time, record_from_sobject, soql_time
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

LAG = dt.timedelta(seconds=60)
# GET composite/sobjects takes about 800 ids before the URL is too long (414); 200
# keeps well inside that with long field lists.
IDS_PER_CALL = 200
# The delete log keeps 15 days; the first read starts a little inside that.
DELETED_LOOKBACK = dt.timedelta(days=14)


@dataclass(frozen=True)
class ChangeCursor(StoredCursor):
    app = APP

    after: tuple[str, str | None] | None = None  # keyset: (stamp, Id) already read
    next: str | None = None  # nextRecordsUrl of the pass in progress
    last: tuple[str, str] | None = None  # the newest (stamp, Id) this pass returned
    started: str | None = None  # Salesforce's clock at this pass's first query


def soql(object_name: str, fields: list[str], after) -> str:
    where = ""
    if after and after[1]:
        stamp, record_id = after
        if not is_record_id(record_id) or parse_time(stamp) is None:
            raise ConnectorError(ErrorCategory.UNKNOWN, f"Unreadable Salesforce cursor {after}")
        # Both checked above: an id is letters and digits, a stamp a dateTime literal.
        where = (f" WHERE (SystemModstamp > {stamp} OR (SystemModstamp = {stamp} "
                 f"AND Id > '{record_id}'))")
    elif after:
        where = f" WHERE SystemModstamp >= {after[0]}"
    return (f"SELECT {', '.join(fields)} FROM {object_name}{where} "  # noqa: S608 - SOQL
            "ORDER BY SystemModstamp ASC, Id ASC")


def _server_time(headers: dict) -> dt.datetime:
    value = next((v for k, v in headers.items() if k.lower() == "date"), None)
    try:
        moment = email.utils.parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        moment = None
    return moment or dt.datetime.now(dt.UTC)


def read_changes(api: RestApi, object_name: str, fields: dict[str, Field],
                 cursor: str | None, limit: int) -> Page:
    state = ChangeCursor.decode(cursor)
    if state.next:
        try:
            body = api.query_more(state.next)
        except ConnectorError as exc:
            if "INVALID_QUERY_LOCATOR" not in exc.vendor_message:
                raise
            state = replace(state, after=state.last or state.after, next=None)
    if not state.next:
        names = ["Id", *[name for name in fields if name != "Id"]]
        response = api.query(soql(object_name, names, state.after), limit)
        body = response.body
        started = state.started or soql_time(_server_time(response.headers) - LAG)
        state = replace(state, started=started)
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise unexpected("a query", body)
    rows = [row for row in body["records"] if isinstance(row, dict)]
    records = [r for r in (record_from_sobject(row, fields) for row in rows) if r]
    last = state.last
    if rows and rows[-1].get("SystemModstamp") and rows[-1].get("Id"):
        moment = parse_time(rows[-1]["SystemModstamp"])
        last = (soql_time(moment), str(rows[-1]["Id"])) if moment else last
    following = None if body.get("done", True) else body.get("nextRecordsUrl")
    following = Paginator(APP, state.next).advance(following)
    if following:
        return Page(records, replace(state, next=following, last=last).encode(), False)
    return Page(records, ChangeCursor(after=_pass_end(last or state.after, state.started))
                .encode(), True)


def _pass_end(newest, started: str | None):
    """Where the next pass starts: after the newest record, but no later than LAG
    before Salesforce's clock at this pass's start."""
    if newest is None or started is None:
        return newest or ((started, None) if started else None)
    return newest if newest[0] < started else (started, None)


def read_deleted(api: RestApi, object_name: str, cursor: str | None) -> DeletedPage:
    """GET sobjects/<type>/deleted/?start=&end=: the delete log since the cursor, up to
    a minute ahead (Salesforce ignores seconds and covers up to the call's moment);
    the next read starts at the reply's latestDateCovered."""
    now = dt.datetime.now(dt.UTC)
    start = parse_time(cursor) if cursor else now - DELETED_LOOKBACK
    end = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    body = api.deleted(object_name, iso_utc(start or now - DELETED_LOOKBACK), iso_utc(end))
    if not isinstance(body, dict) or not isinstance(body.get("deletedRecords"), list):
        raise unexpected("the deleted records", body)
    gone = [DeletedRecord(id=str(row["id"]), deleted_at=parse_time(row.get("deletedDate")))
            for row in body["deletedRecords"] if isinstance(row, dict) and row.get("id")]
    covered = parse_time(body.get("latestDateCovered")) or start
    return DeletedPage(gone, iso_utc(covered) if covered else None, True)


def is_record_id(value: str) -> bool:
    """Salesforce ids are 15 or 18 letters and digits; anything else cannot exist."""
    return len(value) in (15, 18) and value.isascii() and value.isalnum()


def read_by_ids(api: RestApi, object_name: str, fields: dict[str, Field],
                ids) -> list[AppRecord]:
    """GET composite/sobjects/<type>?ids=…: null stands for an id not found."""
    wanted = list(dict.fromkeys(str(i) for i in ids if is_record_id(str(i))))
    names = ["Id", *[name for name in fields if name != "Id"]]
    found: list[AppRecord] = []
    for start in range(0, len(wanted), IDS_PER_CALL):
        body = api.retrieve(object_name, wanted[start:start + IDS_PER_CALL], names)
        if not isinstance(body, list):
            raise unexpected("a read by ids", body)
        found.extend(r for r in (record_from_sobject(row, fields) for row in body
                                 if isinstance(row, dict)) if r)
    return found
