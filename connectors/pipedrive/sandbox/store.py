"""A sandbox company's state: users, fields, pipelines, records, webhooks; and paging.

v2 lists page with an opaque cursor naming the last item's sort value and id;
the filters must be sent again with it. /v1/recents pages with start/limit over
changes after `since_timestamp`.
https://pipedrive.readme.io/docs/core-api-concepts-pagination
"""

import base64
import binascii
import datetime as dt
import hashlib
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from connectors.pipedrive.sandbox import records, v1_shapes
from connectors.pipedrive.sandbox.rules import Invalid
from connectors.pipedrive.sandbox.seed import ACTIVITY_TYPES, INDUSTRIES, STAGES
from connectors.sdk.sandbox import SandboxAccount

V2_OBJECTS = ("organizations", "persons", "deals", "products", "activities")
FIELD_LISTS = {"personFields": "persons", "organizationFields": "organizations",
               "dealFields": "deals", "productFields": "products",
               "activityFields": "activities"}
# (field_code, field_name, field_type) of the standard fields each fields API lists.
STANDARD_FIELDS = {
    "persons": (("name", "Name", "varchar"), ("emails", "Email", "varchar"),
                ("phones", "Phone", "phone"), ("org_id", "Organization", "org"),
                ("owner_id", "Owner", "user"), ("job_title", "Job title", "varchar"),
                ("birthday", "Birthday", "date"), ("postal_address", "Postal address",
                                                   "address")),
    "organizations": (("name", "Name", "varchar"), ("address", "Address", "address"),
                      ("website", "Website", "varchar"), ("industry", "Industry", "enum"),
                      ("owner_id", "Owner", "user")),
    "deals": (("title", "Title", "varchar"), ("value", "Value", "monetary"),
              ("stage_id", "Stage", "stage"), ("status", "Status", "status"),
              ("person_id", "Contact person", "people"), ("org_id", "Organization", "org")),
    "products": (("name", "Name", "varchar"), ("code", "Product code", "varchar"),
                 ("prices", "Price", "price_list"), ("unit", "Unit", "varchar")),
    "activities": (("subject", "Subject", "varchar"), ("type", "Type", "varchar_options"),
                   ("due_date", "Due date", "date"), ("note", "Note", "text")),
}


@dataclass
class PipedriveCompany(SandboxAccount):
    """One Pipedrive company: what its token reaches (`data`: object -> id -> record)."""

    company_id: int = 0
    domain: str = ""
    currency: str = "USD"
    users: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)  # object -> v2 field metadata
    stages: dict = field(default_factory=lambda: dict(STAGES))
    types: tuple = ACTIVITY_TYPES
    webhooks: dict = field(default_factory=dict)
    api_tokens: dict = field(default_factory=dict)  # a user's personal API token -> user id
    counters: dict = field(default_factory=lambda: defaultdict(int))

    @property
    def admin_id(self) -> int:
        return next(iter(self.users))

    def next_id(self, kind: str) -> int:
        self.counters[kind] += 1
        return self.counters[kind]

    def custom_kinds(self, object_name: str) -> dict[str, tuple[str, set]]:
        """Custom field key -> (field_type, option ids)."""
        return {
            f["field_code"]: (f["field_type"], {o["id"] for o in f["options"] or ()})
            for f in self.fields.get(object_name, ()) if f["is_custom_field"]
        }

    def live(self, object_name: str, record_id: object) -> dict | None:
        """A record that exists and is not deleted."""
        if not isinstance(record_id, str | int):  # an id from a body may be anything
            return None
        try:
            record = self.data[object_name].get(int(record_id))
        except ValueError:
            return None
        if record is None or record.get("is_deleted") or record.get("active_flag") is False:
            return None
        return record


def custom_key(company_id: int, object_name: str, label: str) -> str:
    """A stable 40-character hash, like the keys Pipedrive gives custom fields."""
    text = f"{company_id}:{object_name}:{label}".encode()
    return hashlib.sha1(text, usedforsecurity=False).hexdigest()


def field_metadata(code: str, name: str, kind: str, options=None, custom=False) -> dict:
    return {
        "field_name": name, "field_code": code, "field_type": kind,
        "options": [{"id": i, "label": label} for i, label in options] if options else None,
        "subfields": None, "is_custom_field": custom, "is_optional_response_field": False,
    }


def build_fields(company_id: int, custom: dict) -> dict:
    fields = {}
    for object_name, standard in STANDARD_FIELDS.items():
        listed = [field_metadata(*spec) for spec in standard]
        for label, kind, choices in custom.get(object_name, ()):
            options = [(index + 1 + 30 * len(listed), text) for index, text in
                       enumerate(choices or ())]
            listed.append(field_metadata(custom_key(company_id, object_name, label), label,
                                         kind, options, custom=True))
        fields[object_name] = listed
    industry = next(f for f in fields["organizations"] if f["field_code"] == "industry")
    industry["options"] = [{"id": i + 1, "label": name} for i, name in enumerate(INDUSTRIES)]
    return fields


# --- v2 cursor paging --------------------------------------------------------------------


def encode_cursor(sort_by: str, direction: str, record: dict) -> str:
    marker = {"field": sort_by, "fieldValue": record.get(sort_by), "sortDirection": direction,
              "id": record["id"]}
    return base64.urlsafe_b64encode(json.dumps(marker).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort_by: str, direction: str) -> tuple:
    try:
        marker = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        valid = marker["field"] == sort_by and marker["sortDirection"] == direction
    except (ValueError, binascii.Error, KeyError, TypeError):
        valid = False
    if not valid:
        raise Invalid("Validation failed: cursor: Invalid cursor")
    return _sort_key(sort_by, {sort_by: marker["fieldValue"], "id": marker["id"]})


def _sort_key(sort_by: str, record: dict) -> tuple:
    value = record.get(sort_by)
    return (value is not None, value if value is not None else "", record["id"])


def page_v2(rows: list[dict], sort_by: str, direction: str, cursor: str | None, limit: int):
    """(page, next_cursor): the rows after `cursor` in sort order, `limit` of them."""
    descending = direction == "desc"
    rows = sorted(rows, key=lambda r: _sort_key(sort_by, r), reverse=descending)
    if cursor:
        after = decode_cursor(cursor, sort_by, direction)
        rows = [r for r in rows if (_sort_key(sort_by, r) < after) == descending
                and _sort_key(sort_by, r) != after]
    page = rows[:limit]
    following = encode_cursor(sort_by, direction, page[-1]) if len(rows) > limit else None
    return page, following


def page_fields(fields: list[dict], cursor: str | None, limit: int):
    """(page, next_cursor) of a fields list: its cursor is an opaque offset."""
    offset = 0
    if cursor:
        try:
            offset = int(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
                         ["offset"])
        except (ValueError, binascii.Error, KeyError, TypeError):
            raise Invalid("Validation failed: cursor: Invalid cursor") from None
    following = None
    if len(fields) > offset + limit:
        marker = json.dumps({"offset": offset + limit}).encode()
        following = base64.urlsafe_b64encode(marker).decode().rstrip("=")
    return fields[offset:offset + limit], following


# --- /v1/recents ---------------------------------------------------------------------------


def changed_at(record: dict) -> str:
    """A record's update time in v1's `YYYY-MM-DD HH:MM:SS` (notes store it so)."""
    return records.v1_from_v2(record["update_time"])


def recents(company: PipedriveCompany, since: str, items: list[str], start: int, limit: int):
    """(data, additional_data): the changes after `since`, oldest first, each with the
    whole record in its v1 shape; paged with start/limit (and next_start)."""
    wanted = [name for name, item in records.RECENT_ITEMS.items() if item in items]
    changed = sorted(
        ((changed_at(record), name, record) for name in wanted
         for record in company.data[name].values() if changed_at(record) > since),
        key=lambda row: (row[0], row[1], row[2]["id"]),
    )
    page, pagination = v1_page(changed, start, limit)
    counts = v1_shapes.tallies(company) if page else {}
    data = [{"item": records.RECENT_ITEMS[name], "id": record["id"],
             "data": _set_values(v1_shapes.render(company, name, record, counts))}
            for _when, name, record in page]
    extra = {"since_timestamp": since,
             "last_timestamp_on_page": page[-1][0] if page else since,
             "pagination": pagination}
    return data, extra


def _set_values(data: dict) -> dict:
    """A recents entry leaves out unset (null) fields. Pipedrive answers null there, but
    the published schema of recents is an anyOf of twelve item shapes with most fields
    non-nullable: a null fails every shape at once, and no contract check could tell a
    real error from it (BEHAVIOR.md, "Contract")."""
    return {key: value for key, value in data.items() if value is not None}


def v1_page(rows: list, start: int, limit: int) -> tuple[list, dict]:
    """v1 offset paging: the page, and `additional_data.pagination` as documented:
    start, limit, more_items_in_collection, and next_start when there are more.
    https://pipedrive.readme.io/docs/core-api-concepts-pagination"""
    page = rows[start:start + limit]
    more = len(rows) > start + limit
    pagination = {"start": start, "limit": limit, "more_items_in_collection": more,
                  **({"next_start": start + limit} if more else {})}
    return page, pagination


def parse_since(value: str | None) -> str:
    try:
        return records.v1_stamp(dt.datetime.strptime(value or "", "%Y-%m-%d %H:%M:%S")
                                .replace(tzinfo=dt.UTC))
    except ValueError:
        raise Invalid("Validation failed: since_timestamp: must be YYYY-MM-DD HH:MM:SS") from None


# --- seeding a company from sandbox_seed ----------------------------------------------------

SEED_ORDER = ("organizations", "persons", "deals", "products", "activities", "notes")


def build_company(profile: dict, now: dt.datetime) -> PipedriveCompany:
    company = PipedriveCompany(
        id=str(profile["company_id"]), name=profile["name"], login=profile["login"],
        password="sandbox", company_id=profile["company_id"], domain=profile["domain"],  # noqa: S106
        currency=profile["currency"], users={user["id"]: user for user in profile["users"]},
        # One per user, 40 hex characters like Pipedrive's; shown on /app/settings/api.
        api_tokens={secrets.token_hex(20): user["id"] for user in profile["users"]},
    )
    company.fields = build_fields(company.company_id, profile["custom_fields"])
    for object_name in SEED_ORDER:
        for row in profile.get(object_name, ()):
            when = now + dt.timedelta(days=row["days"])
            body = _seed_body(company, object_name, row, now)
            record_id = company.next_id(object_name)
            if object_name == "notes":
                record = records.new_note(company, record_id, body, when)
            else:
                record = records.defaults(company, object_name, record_id, when)
                records.apply(object_name, record, body, when)
            company.data[object_name][record_id] = record
    return company


_SEED_LINKS = {"org": "org_id", "person": "person_id", "deal": "deal_id"}
_SEED_COPIED = ("name", "title", "subject", "content", "website", "industry", "employee_count",
                "annual_revenue", "address", "job_title", "birthday", "value", "stage_id",
                "status", "lost_reason", "code", "unit", "billing_frequency", "type",
                "due_time", "duration", "done", "note")


def _seed_body(company: PipedriveCompany, object_name: str, row: dict, now: dt.datetime):
    body = {key: row[key] for key in _SEED_COPIED if key in row}
    body.update({name: row[key] for key, name in _SEED_LINKS.items() if key in row})
    for key in ("emails", "phones"):
        if key in row:
            body[key] = [{"value": value, "primary": index == 0, "label": "work"}
                         for index, value in enumerate(row[key])]
    if "prices" in row:
        body["prices"] = [{"currency": currency, "price": price, "cost": cost}
                          for currency, price, cost in row["prices"]]
    for key, name in (("close_in_days", "expected_close_date"), ("due_in_days", "due_date")):
        if key in row:
            body[name] = (now + dt.timedelta(days=row[key])).date().isoformat()
    if row.get("custom"):
        body["custom_fields"] = _seed_custom(company, object_name, row["custom"])
    return body


def _seed_custom(company: PipedriveCompany, object_name: str, wanted: dict) -> dict:
    by_name = {f["field_name"]: f for f in company.fields[object_name] if f["is_custom_field"]}
    values = {}
    for label, wanted_value in wanted.items():
        meta, value = by_name[label], wanted_value
        if meta["field_type"] == "enum":
            value = next(o["id"] for o in meta["options"] if o["label"] == wanted_value)
        elif meta["field_type"] == "monetary":
            value = {"value": wanted_value, "currency": company.currency}
        values[meta["field_code"]] = value
    return values
