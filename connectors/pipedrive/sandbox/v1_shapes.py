"""Records as API v1 shows them: the whole object, in /v1/recents and the v1 lists.

The sandbox keeps records in their v2 shape (notes in v1's); v1 differs: times are
`YYYY-MM-DD HH:MM:SS`, `email`/`phone` (not `emails`/`phones`, and an empty list is one
blank primary entry), `visible_to` a string, addresses flattened into `address_*`
parts, custom fields at the top level under their keys, deals `active`/`deleted`
rather than `is_deleted`, activity clocks `HH:MM`, and counts of related records.
Lists (`GET /v1/persons`, `/v1/organizations`) show the owner and organization as
objects; /v1/recents shows their ids, as its published schema says.
https://developers.pipedrive.com/docs/api/v1/Recents
"""

from collections import Counter, defaultdict

from connectors.pipedrive.sandbox.records import render_note, v1_from_v2

Tallies = dict[tuple[str, int], Counter]
# Counts v1 shows that the sandbox has nothing to count for (mail, files, followers).
NEVER_COUNTED = ("email_messages_count", "files_count", "followers_count")
ADDRESS_PARTS = ("subpremise", "street_number", "route", "sublocality", "locality",
                 "admin_area_level_1", "admin_area_level_2", "country", "postal_code",
                 "formatted_address")
NEXT_AND_LAST = ("next_activity_date", "next_activity_time", "next_activity_id",
                 "last_activity_id", "last_activity_date")


def tallies(company) -> Tallies:
    """Deals, activities, notes and people per (object, id), counted once per request."""
    counts: Tallies = defaultdict(Counter)
    for deal in _live(company, "deals"):
        for key, owner in (("person_id", "persons"), ("org_id", "organizations")):
            if deal[key]:
                _count_deal(counts[(owner, deal[key])], deal["status"])
    for activity in _live(company, "activities"):
        done = "done_activities_count" if activity["done"] else "undone_activities_count"
        for key, owner in (("person_id", "persons"), ("org_id", "organizations"),
                           ("deal_id", "deals")):
            if activity[key]:
                counts[(owner, activity[key])].update(("activities_count", done))
    for note in company.data["notes"].values():
        for key, owner in (("person_id", "persons"), ("org_id", "organizations"),
                           ("deal_id", "deals")):
            if note["active_flag"] and note[key]:
                counts[(owner, note[key])]["notes_count"] += 1
    for person in _live(company, "persons"):
        if person["org_id"]:
            counts[("organizations", person["org_id"])]["people_count"] += 1
    return counts


def _live(company, object_name: str):
    return (r for r in company.data[object_name].values() if not r["is_deleted"])


def _count_deal(counter: Counter, status: str) -> None:
    names = {"open": ("open_deals_count",), "won": ("closed_deals_count", "won_deals_count"),
             "lost": ("closed_deals_count", "lost_deals_count")}[status]
    counter.update(names + tuple(f"related_{name}" for name in names))


def _counts(counts: Tallies, object_name: str, record_id: int, names: tuple[str, ...]) -> dict:
    counter = counts.get((object_name, record_id), Counter())
    return {name: counter[name] for name in names}


CONTACT_COUNTS = ("open_deals_count", "related_open_deals_count", "closed_deals_count",
                  "related_closed_deals_count", "won_deals_count", "related_won_deals_count",
                  "lost_deals_count", "related_lost_deals_count", "activities_count",
                  "done_activities_count", "undone_activities_count", "notes_count",
                  *NEVER_COUNTED)


def render(company, object_name: str, record: dict, counts: Tallies, *,
           expanded: bool = False) -> dict:
    """`record` in its v1 shape; `expanded`: owner and organization as objects (lists)."""
    if object_name == "notes":
        return render_note(company, record)
    shape = {"persons": person, "organizations": organization, "deals": deal,
             "products": product, "activities": activity}[object_name]
    return {**shape(company, record, counts, expanded), **custom_values(company, object_name,
                                                                         record)}


def person(company, record: dict, counts: Tallies, expanded: bool) -> dict:
    org = company.data["organizations"].get(record["org_id"]) if record["org_id"] else None
    owner = company.users.get(record["owner_id"], {})
    org_ref = org_object(company, org, counts) if expanded and org else record["org_id"]
    return {
        **_common(company, record, owner, expanded),
        "org_id": org_ref, "org_name": org["name"] if org else None,
        "first_name": record["first_name"], "last_name": record["last_name"],
        "email": _labelled(record["emails"]), "phone": _labelled(record["phones"]),
        "primary_email": next((e["value"] for e in record["emails"] if e["primary"]), None),
        "job_title": record["job_title"], "birthday": record["birthday"],
        "postal_address": (record["postal_address"] or {}).get("value"),
        "participant_open_deals_count": 0, "participant_closed_deals_count": 0,
        "last_incoming_mail_time": None, "last_outgoing_mail_time": None,
        **dict.fromkeys(NEXT_AND_LAST),
        **_counts(counts, "persons", record["id"], CONTACT_COUNTS),
    }


def organization(company, record: dict, counts: Tallies, expanded: bool) -> dict:
    owner = company.users.get(record["owner_id"], {})
    address = record["address"] or {}
    return {
        **_common(company, record, owner, expanded=True),  # an object in recents too
        "country_code": None, "website": record["website"], "linkedin": record["linkedin"],
        "industry": record["industry"], "annual_revenue": record["annual_revenue"],
        "employee_count": record["employee_count"], "address": address.get("value"),
        **{f"address_{part}": address.get(part) for part in ADDRESS_PARTS},
        **dict.fromkeys(NEXT_AND_LAST),
        **_counts(counts, "organizations", record["id"], ("people_count", *CONTACT_COUNTS)),
    }


def _common(company, record: dict, owner: dict, expanded: bool) -> dict:
    labels = list(record["label_ids"])
    return {
        "id": record["id"], "company_id": company.company_id, "name": record["name"],
        "owner_id": user_object(owner) if expanded else record["owner_id"],
        "owner_name": owner.get("name"), "active_flag": not record["is_deleted"],
        "first_char": record["name"][:1].lower(), "visible_to": str(record["visible_to"]),
        "add_time": v1_from_v2(record["add_time"]),
        "update_time": v1_from_v2(record["update_time"]), "picture_id": None,
        "label": labels[0] if labels else None, "label_ids": labels,
        "cc_email": f"{company.domain}@pipedrivemail.com",
    }


def deal(company, record: dict, counts: Tallies, _expanded: bool) -> dict:
    person_row = company.data["persons"].get(record["person_id"]) if record["person_id"] else None
    org = company.data["organizations"].get(record["org_id"]) if record["org_id"] else None
    owner = company.users.get(record["owner_id"], {})
    times = {key: v1_from_v2(record[key]) for key in (
        "add_time", "update_time", "stage_change_time", "close_time", "won_time", "lost_time")}
    return {
        **{key: record[key] for key in (
            "id", "creator_user_id", "person_id", "org_id", "stage_id", "pipeline_id", "title",
            "value", "currency", "is_archived", "status", "probability", "lost_reason",
            "expected_close_date", "label_ids", "origin", "origin_id", "channel",
            "channel_id")},
        **times, "user_id": record["owner_id"], "owner_name": owner.get("name"),
        "active": not record["is_deleted"], "deleted": record["is_deleted"],
        "visible_to": str(record["visible_to"]), "first_won_time": times["won_time"],
        "person_name": person_row["name"] if person_row else None,
        "org_name": org["name"] if org else None,
        "formatted_value": f"{record['value']} {record['currency']}",
        "weighted_value": record["value"], "weighted_value_currency": record["currency"],
        "stage_order_nr": record["stage_id"], "rotten_time": None,
        "cc_email": f"{company.domain}+deal{record['id']}@pipedrivemail.com",
        "products_count": 0, "participants_count": 1 if person_row else 0,
        **dict.fromkeys(NEXT_AND_LAST),
        **_counts(counts, "deals", record["id"], (
            "activities_count", "done_activities_count", "undone_activities_count",
            "notes_count", *NEVER_COUNTED)),
    }


def product(company, record: dict, _counts_: Tallies, _expanded: bool) -> dict:
    return {
        **{key: record[key] for key in (
            "id", "name", "code", "description", "unit", "tax", "owner_id",
            "billing_frequency", "billing_frequency_cycles")},
        "category": None if record["category"] is None else str(record["category"]),
        "active_flag": not record["is_deleted"], "selectable": record["is_linkable"],
        "first_char": record["name"][:1].lower(), "visible_to": record["visible_to"],
        "files_count": 0, "add_time": v1_from_v2(record["add_time"]),
        "update_time": v1_from_v2(record["update_time"]),
        "prices": [{"id": index + 1, "product_id": record["id"], "price": p["price"],
                    "currency": p["currency"], "cost": p["cost"],
                    "overhead_cost": p.get("direct_cost")}
                   for index, p in enumerate(record["prices"])],
    }


def activity(company, record: dict, _counts_: Tallies, _expanded: bool) -> dict:
    def name_of(object_name: str, key: str, title: str = "name"):
        row = company.data[object_name].get(record[key]) if record[key] else None
        return row[title] if row else None

    owner = company.users.get(record["owner_id"], {})
    return {
        **{key: record[key] for key in (
            "id", "subject", "type", "done", "due_date", "deal_id", "lead_id", "person_id",
            "org_id", "project_id", "public_description", "note", "participants",
            "attendees")},
        "company_id": company.company_id, "user_id": record["owner_id"],
        "assigned_to_user_id": record["owner_id"],
        "created_by_user_id": record["creator_user_id"], "owner_name": owner.get("name"),
        "due_time": (record["due_time"] or "")[:5], "duration": (record["duration"] or "")[:5],
        "busy_flag": record["busy"], "active_flag": not record["is_deleted"],
        "location": (record["location"] or {}).get("value"),
        "add_time": v1_from_v2(record["add_time"]),
        "update_time": v1_from_v2(record["update_time"]),
        "marked_as_done_time": v1_from_v2(record["marked_as_done_time"]) or "",
        "person_name": name_of("persons", "person_id"),
        "org_name": name_of("organizations", "org_id"),
        "deal_title": name_of("deals", "deal_id", "title"),
    }


# --- the nested objects of v1 lists, and custom fields -------------------------------------


def user_object(user: dict) -> dict:
    # No picture: has_pic 0, and no pic_hash.
    return {"id": user.get("id"), "name": user.get("name"), "email": user.get("email"),
            "has_pic": 0, "active_flag": True, "value": user.get("id")}


def org_object(company, org: dict, counts: Tallies) -> dict:
    people = counts.get(("organizations", org["id"]), Counter())["people_count"]
    return {"name": org["name"], "people_count": people, "owner_id": org["owner_id"],
            "address": (org["address"] or {}).get("value"), "active_flag": not org["is_deleted"],
            "cc_email": f"{company.domain}@pipedrivemail.com", "value": org["id"]}


def _labelled(items: list[dict]) -> list[dict]:
    # v1 shows a person without email (or phone) as one blank primary entry.
    return [dict(i) for i in items] or [{"value": "", "primary": True}]


def custom_values(company, object_name: str, record: dict) -> dict:
    """v1 puts custom fields at the top level; a money value's currency beside it."""
    values: dict = {}
    kinds = company.custom_kinds(object_name)
    for key, value in (record.get("custom_fields") or {}).items():
        kind = kinds.get(key, ("varchar", set()))[0]
        if kind == "monetary":
            values[key] = value["value"] if value else None
            values[f"{key}_currency"] = value["currency"] if value else None
        elif kind == "set":
            values[key] = ",".join(str(i) for i in value) if value else None
        elif kind == "address":
            values[key] = value["value"] if value else None
        else:
            values[key] = value
    return values
