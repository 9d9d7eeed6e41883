"""Answering GET on an entity set: $select, $filter, $top, paging, change tracking.

Paging: `Prefer: odata.maxpagesize=N` (at most 5,000) and `@odata.nextLink`
with a `$skiptoken` paging cookie.
https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results
Change tracking: with `Prefer: odata.track-changes` the last page carries an
`@odata.deltaLink` (`$deltatoken=<version>!<time>`); following it returns the
rows changed since, then `{"@odata.context": "…/$deletedEntity", "id", "reason"}`
for rows deleted since, in version order, paged the same way.
https://learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems
"""

import datetime as dt
from urllib.parse import unquote

from connectors.dynamics.sandbox.query import (
    cookie,
    link,
    parse_filter,
    read_cookie,
)
from connectors.dynamics.sandbox.schema import Table
from connectors.dynamics.sandbox.store import DataverseError, OrgStore

MAX_PAGE = 5000
LOOKUP_NAME = "@Microsoft.Dynamics.CRM.lookuplogicalname"


def unknown_property(table: Table, name: str) -> DataverseError:
    return DataverseError(400, "0x80060888", f"Could not find a property named '{name}' on "
                                             f"type 'Microsoft.Dynamics.CRM.{table.logical}'.")


def selectable(table: Table, name: str) -> bool:
    if name.startswith("_") and name.endswith("_value"):
        return name[1:-6] in table.lookups
    return name in table.columns


def parse_select(table: Table, text: str | None) -> list[str] | None:
    if not text:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    for name in names:
        if not selectable(table, name):
            raise unknown_property(table, name)
    return names


def render(table: Table, row: dict, select: list[str] | None, annotate: bool) -> dict:
    names = select or [*table.columns, *(f"_{lk}_value" for lk in table.lookups)]
    out: dict[str, object] = {"@odata.etag": f'W/"{row["versionnumber"]}"'}
    for name in names:
        if name.startswith("_") and name.endswith("_value"):
            target = row.get(name[1:-6])
            out[name] = target[1] if target else None
            if annotate and target:
                out[name + LOOKUP_NAME] = target[0]
        else:
            out[name] = row.get(name)
    out[table.primary_id] = row[table.primary_id]
    return out


def flat(row: dict, table: Table) -> dict:
    """A row as $filter sees it: lookups as their `_x_value` ids."""
    view = dict(row)
    for name in table.lookups:
        target = row.get(name)
        view[f"_{name}_value"] = target[1] if target else None
    return view


def context(base: str, table: Table, select: list[str] | None, delta: bool = False) -> str:
    shape = f"{table.set_name}({','.join(select)})" if select else table.set_name
    return f"{base}/$metadata#{shape}" + ("/$delta" if delta else "")


def delta_token(version: int, moment: dt.datetime) -> str:
    return f"{version}!{moment.strftime('%m/%d/%Y %H:%M:%S')}"


def read_token(table: Table, text: str) -> int:
    try:
        return int(unquote(text).split("!", 1)[0])
    except ValueError:
        raise DataverseError(400, "0x80040203", "Invalid argument: the delta token "
                                                f"'{text}' is not valid.") from None


def page_size(prefer: dict[str, str]) -> int | None:
    """`odata.maxpagesize` when it is applied: 1 to 5,000 ("max page size requests
    larger than 5,000 are ignored", and so is anything that is not a number)."""
    size = prefer.get("odata.maxpagesize", "")
    return int(size) if size.isdigit() and 1 <= int(size) <= MAX_PAGE else None


def refuse_with_tracking(query: dict[str, list[str]], prefer: dict[str, str]) -> None:
    """Change tracking reads whole tables: Dataverse refuses these options with it
    (the code is not documented; the message is)."""
    refused = [o for o in ("$filter", "$orderby", "$top", "$expand") if o in query]
    if "odata.track-changes" in prefer and refused:
        raise DataverseError(400, "0x80040203", f"The query parameter {refused[0]} is not "
                                                "supported when Change Tracking is enabled.")


class Query:
    """One GET on an entity set, parsed."""

    def __init__(self, table: Table, args: dict[str, str], prefer: dict[str, str], base: str):
        self.table, self.args, self.base = table, args, base
        self.select = parse_select(table, args.get("$select"))
        self.tracking = "odata.track-changes" in prefer
        annotations = prefer.get("odata.include-annotations", "")
        self.annotate = "*" in annotations or "lookuplogicalname" in annotations
        self.page_size = page_size(prefer) or MAX_PAGE
        top = args.get("$top")
        if top is not None and not top.isdigit():
            raise DataverseError(400, "0x80060888", f"Invalid value '{top}' for $top query "
                                 "option found. The $top query option requires a non-negative "
                                 "integer value.")
        self.top = int(top) if top is not None else None
        text = args.get("$filter")
        self.predicate = parse_filter(text, lambda n: selectable(table, n)) if text else None

    def options(self, **more: str) -> dict[str, str]:
        keep = {k[1:]: v for k, v in self.args.items() if k in ("$select", "$filter", "$top")}
        return {**keep, **more}

    def render(self, row: dict) -> dict:
        return render(self.table, row, self.select, self.annotate)


def read_collection(store: OrgStore, query: Query, now: dt.datetime) -> dict:
    if query.args.get("$deltatoken"):
        return _delta(store, query, now)
    table, skip = query.table, _cookie(query)
    snapshot = int(skip.get("snapshot", store.version)) if skip else store.version
    rows = sorted(store.rows(table).values(), key=lambda r: r[table.primary_id])
    if query.predicate:
        rows = [r for r in rows if query.predicate(flat(r, table))]
    if query.top is not None:
        rows = rows[:query.top]
    if skip:
        rows = [r for r in rows if r[table.primary_id] > skip["pagingcookie"]]
    page = rows[:query.page_size]
    body = {"@odata.context": context(query.base, table, query.select),
            "value": [query.render(r) for r in page]}
    if len(rows) > len(page):
        number = int(skip.get("pagenumber", 1)) + 1 if skip else 2
        body["@odata.nextLink"] = link(query.base, table.set_name, **query.options(
            skiptoken=cookie(number, page[-1][table.primary_id], snapshot=snapshot,
                             istracking=str(query.tracking))))
    elif query.tracking:
        body["@odata.deltaLink"] = link(query.base, table.set_name, **query.options(
            deltatoken=delta_token(snapshot, now)))
    return body


def _cookie(query: Query) -> dict[str, str] | None:
    token = query.args.get("$skiptoken")
    if not token:
        return None
    try:
        return read_cookie(token)
    except ValueError as exc:
        raise DataverseError(400, "0x80040203", f"Invalid argument: {exc}") from None


def _delta(store: OrgStore, query: Query, now: dt.datetime) -> dict:
    table, token = query.table, query.args["$deltatoken"]
    since = read_token(table, token)
    if since < store.oldest_valid_delta:
        raise DataverseError(400, "0x80044352", "Version stamp associated with the client has "
                                                "expired. Please perform a full sync.")
    skip = _cookie(query)
    snapshot = int(skip["snapshot"]) if skip else store.version
    after = int(skip["pagingcookie"]) if skip else since
    changes: list[tuple[int, dict | str]] = [
        (r["versionnumber"], r) for r in store.rows(table).values()
        if after < r["versionnumber"] <= snapshot]
    changes += [(v, row_id) for v, set_name, row_id in store.deletions
                if set_name == table.set_name and after < v <= snapshot]
    changes.sort(key=lambda item: item[0])
    page = changes[:query.page_size]
    body = {"@odata.context": context(query.base, table, query.select, delta=True),
            "value": [query.render(item) if isinstance(item, dict) else _deleted(query, item)
                      for _v, item in page]}
    if len(changes) > len(page):
        number = int(skip.get("pagenumber", 1)) + 1 if skip else 2
        body["@odata.nextLink"] = link(query.base, table.set_name, **query.options(
            deltatoken=unquote(token), skiptoken=cookie(number, str(page[-1][0]),
                                                        snapshot=snapshot, istracking="True")))
    else:
        body["@odata.deltaLink"] = link(query.base, table.set_name, **query.options(
            deltatoken=delta_token(snapshot, now)))
    return body


def _deleted(query: Query, row_id: str) -> dict:
    return {"@odata.context": f"{query.base}/$metadata#{query.table.set_name}/$deletedEntity",
            "id": row_id, "reason": "deleted"}
