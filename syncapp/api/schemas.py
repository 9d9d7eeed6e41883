"""What the API answers: one schema per resource, and the problem document of errors.

The OpenAPI schema is generated from these, and responses are serialised through them,
so an answer cannot drift from its documented shape.
"""

import datetime as dt

from ninja import Schema


class Problem(Schema):
    """RFC 9457 problem details; `field` names the bad input, `errors` lists them all."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    field: str | None = None
    errors: list[dict] | None = None


class Connection(Schema):
    id: int
    app_key: str
    account_id: str
    account_name: str
    status: str
    last_error_category: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ObjectSync(Schema):
    id: int
    connection_id: int
    app_object: str
    hub_object: str
    direction: str
    winner: str
    matching: str
    match_fields: list[list[str]]  # "choose your fields": [app field, hub property] pairs
    state: str
    poll_interval_s: int
    initial_done: bool
    next_run_at: dt.datetime | None
    last_success_at: dt.datetime | None
    paused_until: dt.datetime | None
    pause_reason: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class Run(Schema):
    id: int
    object_sync_id: int
    kind: str
    status: str
    counts: dict
    estimated_total: int | None
    error_category: str
    error_message: str
    started_at: dt.datetime
    finished_at: dt.datetime | None


class HealthCounts(Schema):
    object_sync_id: int
    in_sync: int
    failed: int
    excluded: int
    pending: int
    by_status: dict[str, int]
    failed_by_category: dict[str, int]
    excluded_by_reason: dict[str, int]


class Record(Schema):
    """One link of a sync: the pair of records, or the one record considered."""

    id: int
    status: str
    hub_record_id: int | None
    hub_name: str
    app_id: str | None
    app_name: str
    error_category: str
    error_message: str
    exclusion_reason: str
    last_synced_at: dt.datetime | None
    updated_at: dt.datetime


class RepairJob(Schema):
    id: int
    object_sync_id: int
    kind: str
    status: str
    target: str
    category: str
    total: int
    succeeded: int
    failed: int
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class Export(Schema):
    id: int
    connection_id: int
    format: str
    status: str
    rows: int
    file_name: str
    message: str
    filters: dict
    created_at: dt.datetime
    finished_at: dt.datetime | None


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """The schema of one page of `item`s: the items and the cursor of the next page."""
    return type(name, (Schema,), {"__annotations__": {"items": list[item],
                                                      "next_cursor": str | None}})


ConnectionPage = page_of(Connection, "ConnectionPage")
ObjectSyncPage = page_of(ObjectSync, "ObjectSyncPage")
RunPage = page_of(Run, "RunPage")
RecordPage = page_of(Record, "RecordPage")
ExportPage = page_of(Export, "ExportPage")
