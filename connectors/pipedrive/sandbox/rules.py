"""What the sandbox accepts for each object, checked as strictly as API v2 does.

v2 refuses unknown parameters, numbers sent as strings and booleans sent as 0/1;
its errors read `Validation failed: <field>: <reason>`.
https://pipedrive.readme.io/docs/pipedrive-api-v2-migration-guide
"""

import datetime as dt
import re

_KINDS = {
    "str": (str,), "int": (int,), "num": (int, float), "bool": (bool,), "list": (list,),
    "obj": (dict,),
}
_NAMES = {
    "str": "a string", "int": "an integer", "num": "a number", "bool": "a boolean",
    "list": "an array", "obj": "an object",
}
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")

SCHEMAS = {
    "persons": {
        "name": "str", "owner_id": "int", "org_id": "int?", "add_time": "str", "emails": "list",
        "phones": "list", "visible_to": "int", "label_ids": "list", "postal_address": "obj?",
        "notes": "str?", "im": "list", "birthday": "str?", "job_title": "str?",
        "marketing_status": "str", "custom_fields": "obj",
    },
    "organizations": {
        "name": "str", "owner_id": "int", "add_time": "str", "visible_to": "int",
        "label_ids": "list", "address": "obj?", "website": "str?", "linkedin": "str?",
        "industry": "int?", "annual_revenue": "int?", "employee_count": "int?",
        "custom_fields": "obj",
    },
    "deals": {
        "title": "str", "owner_id": "int", "person_id": "int?", "org_id": "int?",
        "pipeline_id": "int", "stage_id": "int", "value": "num", "currency": "str",
        "is_archived": "bool", "status": "str", "probability": "num?", "lost_reason": "str?",
        "visible_to": "int", "expected_close_date": "str?", "label_ids": "list",
        "custom_fields": "obj", "add_time": "str",
    },
    "products": {
        "name": "str", "code": "str?", "description": "str?", "unit": "str?", "tax": "num",
        "category": "num?", "owner_id": "int", "is_linkable": "bool", "visible_to": "int",
        "prices": "list", "custom_fields": "obj", "billing_frequency": "str",
        "billing_frequency_cycles": "int?",
    },
    "activities": {
        "subject": "str", "type": "str", "owner_id": "int", "deal_id": "int?",
        "lead_id": "str?", "person_id": "int?", "org_id": "int?", "project_id": "int?",
        "due_date": "str?", "due_time": "str?", "duration": "str?", "busy": "bool",
        "done": "bool", "location": "obj?", "participants": "list", "attendees": "list",
        "public_description": "str?", "priority": "int?", "note": "str?",
    },
}
REQUIRED = {"persons": "name", "organizations": "name", "deals": "title", "products": "name"}
REFERENCES = {"org_id": "organizations", "person_id": "persons", "deal_id": "deals"}
BILLING = {"one-time", "annually", "semi-annually", "quarterly", "monthly", "weekly"}


class Invalid(Exception):
    """A request Pipedrive refuses: becomes an error body with this message."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def failed(field: str, reason: str) -> Invalid:
    return Invalid(f"Validation failed: {field}: {reason}")


def is_kind(kind: str, value: object) -> bool:
    if isinstance(value, bool) and kind != "bool":
        return False
    return isinstance(value, _KINDS[kind])


def check_types(object_name: str, body: object) -> dict:
    if not isinstance(body, dict):
        raise Invalid("Validation failed: the request body must be a JSON object")
    schema = SCHEMAS[object_name]
    for key, value in body.items():
        if key not in schema:
            raise failed(key, f"Parameter '{key}' is not allowed")
        kind = schema[key].rstrip("?")
        if value is None and schema[key].endswith("?"):
            continue
        if not is_kind(kind, value):
            raise failed(key, f"Parameter '{key}' must be {_NAMES[kind]}")
    return body


def check_required(object_name: str, body: dict, creating: bool) -> None:
    name = REQUIRED.get(object_name)
    if name is None or (not creating and name not in body):
        return
    if creating and name not in body:
        raise failed(name, f"Parameter '{name}' is required")
    if not str(body[name] or "").strip():
        raise failed(name, f"Parameter '{name}' must not be blank")


def check_date(field: str, value: object) -> None:
    if value is None:
        return
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        raise failed(field, f"'{value}' is not a valid date (YYYY-MM-DD)") from None


def check_clock(field: str, value: object) -> None:
    if value is not None and not _CLOCK.match(str(value)):
        raise failed(field, f"'{value}' is not a valid time (HH:MM)")


def check_references(company, body: dict) -> None:
    for field, target in REFERENCES.items():
        if body.get(field) is not None and company.live(target, body[field]) is None:
            raise failed(field, f"{target[:-1].capitalize()} with id {body[field]} not found")
    if "owner_id" in body and body["owner_id"] not in company.users:
        raise failed("owner_id", f"User with id {body['owner_id']} not found")


def check_labelled_list(field: str, items: list) -> None:
    """emails / phones: `[{"value": str, "primary": bool, "label": str}]`."""
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise failed(f"{field}[{index}].value", "must be a string")
        if "primary" in item and not isinstance(item["primary"], bool):
            raise failed(f"{field}[{index}].primary", "must be a boolean")


def check_object_rules(company, object_name: str, body: dict) -> None:
    """The per-object rules beyond types."""
    for field in ("birthday", "expected_close_date", "due_date"):
        check_date(field, body.get(field))
    for field in ("due_time", "duration"):
        check_clock(field, body.get(field))
    for field in ("emails", "phones"):
        if field in body:
            check_labelled_list(field, body[field])
    if object_name == "deals":
        _check_deal(company, body)
    if object_name == "products":
        _check_product(body)
    if object_name == "activities" and "type" in body and body["type"] not in company.types:
        raise failed("type", f"Activity type '{body['type']}' does not exist")


def _check_deal(company, body: dict) -> None:
    if "status" in body and body["status"] not in {"open", "won", "lost"}:
        raise failed("status", "Parameter 'status' must be one of: open, won, lost")
    if "stage_id" in body and body["stage_id"] not in company.stages:
        raise failed("stage_id", f"Stage with id {body['stage_id']} not found")
    if "currency" in body and not _CURRENCY.match(body["currency"]):
        raise failed("currency", f"'{body['currency']}' is not a valid currency code")


def _check_product(body: dict) -> None:
    if "billing_frequency" in body and body["billing_frequency"] not in BILLING:
        raise failed("billing_frequency", "Parameter 'billing_frequency' is not valid")
    seen = set()
    for index, price in enumerate(body.get("prices") or []):
        if not isinstance(price, dict) or not _CURRENCY.match(str(price.get("currency", ""))):
            raise failed(f"prices[{index}].currency", "must be a valid currency code")
        for key in ("price", "cost", "direct_cost"):
            if price.get(key) is not None and not is_kind("num", price[key]):
                raise failed(f"prices[{index}].{key}", "must be a number")
        if price["currency"] in seen:
            raise failed(f"prices[{index}].currency", "currencies must be unique")
        seen.add(price["currency"])


def check_custom(company, object_name: str, values: object) -> None:
    if values is None:
        return
    if not isinstance(values, dict):
        raise failed("custom_fields", "Parameter 'custom_fields' must be an object")
    kinds = company.custom_kinds(object_name)
    for key, value in values.items():
        if key not in kinds:
            raise failed(f"custom_fields.{key}", "Unknown custom field")
        if value is not None and not _custom_ok(kinds[key], value):
            raise failed(f"custom_fields.{key}", f"Invalid value for a {kinds[key][0]} field")


def _custom_ok(kind: tuple[str, set], value: object) -> bool:
    field_type, options = kind
    checks = {
        "double": lambda: is_kind("num", value),
        "enum": lambda: is_kind("int", value) and value in options,
        "set": lambda: isinstance(value, list) and all(i in options for i in value),
        "monetary": lambda: isinstance(value, dict) and is_kind("num", value.get("value"))
        and isinstance(value.get("currency"), str),
        "date": lambda: isinstance(value, str) and _is_date(value),
        "address": lambda: isinstance(value, dict) and isinstance(value.get("value"), str),
    }
    return checks.get(field_type, lambda: isinstance(value, str))()


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def validate(company, object_name: str, body: object, creating: bool) -> dict:
    """The body if Pipedrive would take it; else raise Invalid."""
    checked = check_types(object_name, body)
    check_required(object_name, checked, creating)
    check_references(company, checked)
    check_object_rules(company, object_name, checked)
    check_custom(company, object_name, checked.get("custom_fields"))
    return checked
