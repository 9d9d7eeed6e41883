"""How the sandbox builds and changes records: the fields Pipedrive derives itself.

Pipedrive sets ids and times, splits `name` into first and last name, keeps
exactly one primary email and phone, stamps won/lost/close times when a deal's
status changes and marks done activities. Records are kept in their v2 shape
(notes in v1's); v1_shapes shows them in v1's. Also here: the account as
users/me shows it, and webhook subscriptions as POST /v1/webhooks records them.
"""

import datetime as dt
from typing import overload

from connectors.pipedrive.sandbox.rules import Invalid, failed


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def v1_stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


@overload
def v1_from_v2(value: str) -> str: ...
@overload
def v1_from_v2(value: None) -> None: ...
def v1_from_v2(value: str | None) -> str | None:
    return value.replace("T", " ").rstrip("Z") if value else value


def defaults(company, object_name: str, record_id: int, now: dt.datetime) -> dict:
    """A new record before the request's values are applied."""
    base = {"id": record_id, "owner_id": company.admin_id, "add_time": stamp(now),
            "update_time": stamp(now), "is_deleted": False, "visible_to": 3}
    custom = {"custom_fields": dict.fromkeys(company.custom_kinds(object_name))}
    shapes = {
        "persons": {"name": "", "first_name": None, "last_name": None, "org_id": None,
                    "emails": [], "phones": [], "label_ids": [], "picture_id": None,
                    "postal_address": None, "notes": None, "im": [], "birthday": None,
                    "job_title": None, **custom},
        "organizations": {"name": "", "address": None, "label_ids": [], "website": None,
                          "linkedin": None, "industry": None, "annual_revenue": None,
                          "employee_count": None, **custom},
        "deals": {"title": "", "creator_user_id": company.admin_id, "person_id": None,
                  "org_id": None, "pipeline_id": 1, "stage_id": 1, "value": 0,
                  "currency": company.currency, "stage_change_time": stamp(now),
                  "is_archived": False, "status": "open", "probability": None,
                  "lost_reason": None, "close_time": None, "won_time": None, "lost_time": None,
                  "expected_close_date": None, "label_ids": [], "origin": "API",
                  "origin_id": None, "channel": None, "channel_id": None, **custom},
        "products": {"name": "", "code": None, "description": None, "unit": None, "tax": 0,
                     "category": None, "is_linkable": True, "billing_frequency": "one-time",
                     "billing_frequency_cycles": None, "prices": [], **custom},
        "activities": {"subject": None, "type": "task", "creator_user_id": company.admin_id,
                       "deal_id": None, "lead_id": None, "person_id": None, "org_id": None,
                       "project_id": None, "due_date": None, "due_time": None, "duration": None,
                       "busy": False, "done": False, "marked_as_done_time": None,
                       "location": None, "participants": [], "attendees": [],
                       "public_description": None, "priority": None, "note": None},
    }
    record = {**base, **shapes[object_name]}
    if object_name == "activities":
        record.pop("visible_to")
    return record


def apply(object_name: str, record: dict, body: dict, now: dt.datetime) -> dict:
    """Change `record` as Pipedrive would for a create or update with `body`."""
    before = dict(record)
    for key, value in body.items():
        if key == "custom_fields":
            record["custom_fields"].update(value)
        else:
            record[key] = value
    derive = {"persons": _person, "deals": _deal, "products": _product,
              "activities": _activity}.get(object_name)
    if derive:
        derive(record, before, body, now)
    record["update_time"] = stamp(now)
    return record


def _person(record: dict, _before: dict, body: dict, _now) -> None:
    if "name" in body:
        first, _, last = record["name"].strip().partition(" ")
        record["first_name"], record["last_name"] = first or None, last.strip() or None
    for field in ("emails", "phones"):
        if field in body:
            record[field] = _one_primary(body[field])


def _one_primary(items: list) -> list:
    entries = [{"value": i["value"], "primary": bool(i.get("primary")),
                "label": i.get("label") or "work"} for i in items if i["value"]]
    first_primary = next((i for i in entries if i["primary"]), entries[0] if entries else None)
    for entry in entries:
        entry["primary"] = entry is first_primary
    return entries


def _deal(record: dict, before: dict, body: dict, now: dt.datetime) -> None:
    if record["stage_id"] != before.get("stage_id"):
        record["stage_change_time"] = stamp(now)
    if "status" in body and body["status"] != before.get("status"):
        status = body["status"]
        record["won_time"] = stamp(now) if status == "won" else None
        record["lost_time"] = stamp(now) if status == "lost" else None
        record["close_time"] = stamp(now) if status in {"won", "lost"} else None


def _product(record: dict, _before: dict, body: dict, _now) -> None:
    if "prices" in body:
        record["prices"] = [
            {"product_id": record["id"], "price": p.get("price", 0),
             "currency": p["currency"], "cost": p.get("cost", 0),
             "direct_cost": p.get("direct_cost"), "notes": p.get("notes", "")}
            for p in body["prices"]
        ]


def _activity(record: dict, before: dict, body: dict, now: dt.datetime) -> None:
    if not record.get("subject"):
        record["subject"] = record["type"].capitalize()
    for field in ("due_time", "duration"):
        if body.get(field) and len(body[field]) == 5:
            record[field] = body[field] + ":00"
    if "person_id" in body and "participants" not in body:
        person = body["person_id"]
        record["participants"] = [{"person_id": person, "primary": True}] if person else []
    if record["done"] and not before.get("done"):
        record["marked_as_done_time"] = stamp(now)
    if not record["done"]:
        record["marked_as_done_time"] = None


# --- notes: API v1, lenient about types, but a note must hang off something ------------

NOTE_PARENTS = ("deal_id", "person_id", "org_id", "lead_id", "project_id")
_NOTE_TARGETS = {"deal_id": "deals", "person_id": "persons", "org_id": "organizations"}
# The body keys of POST and PUT /v1/notes the sandbox takes; the documented rest
# (project_id, the pinned_to_* flags) is refused.
NOTE_KEYS = ("content", "lead_id", "add_time", *_NOTE_TARGETS, "user_id")


def note_changes(company, body: object, creating: bool) -> dict:
    """The v1 note fields in `body`, coerced the way v1 does (ids may be strings)."""
    if not isinstance(body, dict):
        raise Invalid("Bad request: the request body must be a JSON object")
    unknown = sorted(set(body) - set(NOTE_KEYS))
    if unknown:
        raise failed(unknown[0], f"Parameter '{unknown[0]}' is not supported")
    changes = {key: _note_value(key, body[key]) for key in NOTE_KEYS if key in body}
    if creating and not str(changes.get("content") or "").strip():
        raise failed("content", "Parameter 'content' is required")
    for key, target in _NOTE_TARGETS.items():
        if changes.get(key) is not None and company.live(target, changes[key]) is None:
            raise failed(key, f"{target[:-1].capitalize()} with id {changes[key]} not found")
    return changes


def _note_value(key: str, value: object) -> object:
    if value is None or key in {"content", "lead_id"}:
        return value
    if key == "add_time":
        try:
            dt.datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - UTC by contract
        except ValueError:
            raise failed(key, "must be in the format YYYY-MM-DD HH:MM:SS") from None
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise failed(key, "must be an integer")


def new_note(company, note_id: int, changes: dict, now: dt.datetime) -> dict:
    note = {"id": note_id, "user_id": company.admin_id, "content": "", "add_time": v1_stamp(now),
            "update_time": v1_stamp(now), "active_flag": True, "lead_id": None,
            "project_id": None, "last_update_user_id": company.admin_id,
            "pinned_to_deal_flag": False, "pinned_to_organization_flag": False,
            "pinned_to_person_flag": False, "pinned_to_project_flag": False,
            **dict.fromkeys(_NOTE_TARGETS)}
    return change_note(note, changes, now)


def change_note(note: dict, changes: dict, now: dt.datetime) -> dict:
    merged = {**note, **changes}
    if not any(merged.get(parent) for parent in NOTE_PARENTS):
        raise Invalid("A note must be attached to a deal, person, organization, lead or project")
    merged["update_time"] = v1_stamp(now)
    note.update(merged)
    return note


def render_note(company, note: dict) -> dict:
    """A v1 note as the API shows it, with the names of what it hangs off."""
    person = company.live("persons", note["person_id"]) if note["person_id"] else None
    org = company.live("organizations", note["org_id"]) if note["org_id"] else None
    deal = company.live("deals", note["deal_id"]) if note["deal_id"] else None
    user = company.users.get(note["user_id"], {})
    return {
        **note,
        "person": {"name": person["name"]} if person else None,
        "organization": {"name": org["name"]} if org else None,
        "deal": {"title": deal["title"]} if deal else None,
        "project": None,
        "user": {"email": user.get("email", ""), "name": user.get("name", ""),
                 "icon_url": "", "is_you": note["user_id"] == company.admin_id},
    }


# --- /v1/recents and webhooks name each object by its item ---------------------------

RECENT_ITEMS = {"persons": "person", "organizations": "organization", "deals": "deal",
                "products": "product", "activities": "activity", "notes": "note"}


# --- the account (users/me) and webhook subscriptions ----------------------------------

def me(company, now: dt.datetime) -> dict:
    user = company.users[company.admin_id]
    return {
        "id": user["id"], "name": user["name"], "email": user["email"], "phone": None,
        "default_currency": company.currency, "locale": "en_US", "lang": 1,
        "activated": True, "last_login": v1_stamp(now), "created": "2024-01-15 09:00:00",
        "modified": v1_stamp(now), "has_created_company": True,
        "access": [{"app": "sales", "admin": True, "permission_set_id": "sandbox-admin"}],
        "active_flag": True, "timezone_name": "UTC", "timezone_offset": "+00:00", "role_id": 1,
        "icon_url": None, "is_you": True, "is_deleted": False,
        "company_id": company.company_id, "company_name": company.name,
        "company_domain": company.domain, "company_country": "US",
        "company_industry": "Software", "language": {"language_code": "en", "country_code": "US"},
    }


# The documented body of POST /v1/webhooks. https://developers.pipedrive.com/docs/api/v1/Webhooks
WEBHOOK_KEYS = ("subscription_url", "event_action", "event_object", "name", "user_id",
                "http_auth_user", "http_auth_password", "version")
_EVENT_ACTIONS = {"create", "change", "delete", "*"}
_EVENT_OBJECTS = {"activity", "deal", "lead", "note", "organization", "person", "pipeline",
                  "product", "stage", "user", "*"}


def webhook(company, body: object, now: dt.datetime) -> dict:
    """A subscription as POST /v1/webhooks records it (deliveries are not sent)."""
    if not isinstance(body, dict):
        raise Invalid("Bad request: the request body must be a JSON object")
    unknown = sorted(set(body) - set(WEBHOOK_KEYS))
    if unknown:
        raise failed(unknown[0], f"Parameter '{unknown[0]}' is not supported")
    for name in ("subscription_url", "event_action", "event_object", "name"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise failed(name, f"Parameter '{name}' is required")
    if not body["subscription_url"].startswith(("https://", "http://")):
        raise failed("subscription_url", "must be a full, valid URL")
    if body["event_action"] not in _EVENT_ACTIONS or body["event_object"] not in _EVENT_OBJECTS:
        raise failed("event_object", "unknown event_action or event_object")
    hook_id = company.next_id("webhooks")
    return {
        "id": hook_id, "company_id": company.company_id, "owner_id": company.admin_id,
        "user_id": body.get("user_id") or company.admin_id, "name": body["name"],
        "event_action": body["event_action"], "event_object": body["event_object"],
        "subscription_url": body["subscription_url"], "version": body.get("version", "2.0"),
        "is_active": 1, "add_time": now.isoformat().replace("+00:00", "Z"),
        "remove_time": None, "type": "application",
        "http_auth_user": body.get("http_auth_user"),
        "http_auth_password": body.get("http_auth_password"), "remove_reason": None,
        "last_delivery_time": None, "last_http_status": None, "admin_id": company.admin_id,
    }
