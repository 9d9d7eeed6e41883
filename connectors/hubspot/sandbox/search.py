"""POST /crm/v3/objects/<type>/search: filters, one sort, offset paging, its limits.

https://developers.hubspot.com/docs/api/crm/search
Limits reproduced: at most 5 filterGroups (ORed), 6 filters per group (ANDed)
and 18 in all; at most 200 results a page; one sorting rule; and no paging past
10,000 results (a 400). Results are sorted with hs_object_id as the tie-breaker,
which HubSpot does not document; the connector does not rely on it.
"""

from decimal import Decimal, InvalidOperation

from connectors.hubspot.sandbox.schema import DEFAULT_PROPERTIES, property_map
from connectors.hubspot.sandbox.store import Portal, public
from connectors.hubspot.sandbox.validate import HubSpotError, epoch_ms

OPERATORS = {"EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN",
             "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}


def _bad(message: str) -> HubSpotError:
    return HubSpotError(400, message, "VALIDATION_ERROR")


def _key(prop_type: str, value):
    """A comparable form of a stored or filter value for this property type."""
    if value is None or value == "":
        return None
    text = str(value)
    if prop_type in ("datetime", "date"):
        return epoch_ms(text if prop_type == "datetime" or "T" in text or text.isdigit()
                        else text + "T00:00:00Z")
    if prop_type == "number":
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    return text.lower()


def _compare(operator: str, stored, flt: dict, prop_type: str) -> bool:
    wanted = _key(prop_type, flt.get("value"))
    if operator == "NEQ":
        return stored != wanted
    if stored is None or wanted is None:
        return False
    if operator == "BETWEEN":
        high = _key(prop_type, flt.get("highValue"))
        return high is not None and wanted <= stored <= high
    return {"EQ": stored == wanted, "LT": stored < wanted, "LTE": stored <= wanted,
            "GT": stored > wanted, "GTE": stored >= wanted}[operator]


def _matches(record: dict, flt: dict, known: dict) -> bool:
    name, operator = flt.get("propertyName"), flt.get("operator", "EQ")
    prop = known.get(name)
    if prop is None:
        raise _bad(f"There was a problem with the request: unknown property {name!r}")
    if operator not in OPERATORS:
        raise _bad(f"Unknown operator {operator!r}")
    stored = _key(prop.type, record["properties"].get(name))
    if operator in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        return (stored is not None) == (operator == "HAS_PROPERTY")
    if operator in ("IN", "NOT_IN"):
        values = {_key(prop.type, v) for v in flt.get("values") or []}
        return (stored in values) == (operator == "IN")
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        token = str(flt.get("value", "")).lower().strip("*")
        found = stored is not None and token in str(stored)
        return found == (operator == "CONTAINS_TOKEN")
    return _compare(operator, stored, flt, prop.type)


def _sort(body: dict, known: dict):
    sorts = body.get("sorts") or []
    if len(sorts) > 1:
        raise _bad("Only one sort is supported")
    if not sorts:
        return "hs_object_id", False
    first = sorts[0]
    if isinstance(first, str):  # "prop" or "-prop"
        name, descending = first.lstrip("-"), first.startswith("-")
    else:
        name, descending = first.get("propertyName"), first.get("direction") == "DESCENDING"
    if name not in known:
        raise _bad(f"Cannot sort on unknown property {name!r}")
    return name, descending


def _groups(body: dict) -> list[list[dict]]:
    groups = [g.get("filters") or [] for g in body.get("filterGroups") or []]
    if len(groups) > 5 or any(len(g) > 6 for g in groups) or sum(map(len, groups)) > 18:
        raise _bad("Too many filters: at most 5 filterGroups of 6 filters, 18 in all")
    return groups


def search(portal: Portal, object_type: str, body, cap: int) -> dict:
    if not isinstance(body, dict):
        raise _bad("Invalid input JSON on line 1")
    known = property_map(object_type)
    limit, after = int(body.get("limit") or 10), int(body.get("after") or 0)
    if limit > 200 or limit < 1:
        raise _bad("limit must be between 1 and 200")
    if after >= cap:
        raise _bad(f"The search API does not page beyond {cap} results; narrow the query")
    groups = _groups(body)
    query = str(body.get("query") or "").lower()
    rows = [r for r in portal.records(object_type)
            if (not groups or any(all(_matches(r, f, known) for f in g) for g in groups))
            and (not query or any(query in str(v).lower() for v in r["properties"].values()))]
    name, descending = _sort(body, known)
    prop_type = known[name].type
    present = [r for r in rows if _key(prop_type, r["properties"].get(name)) is not None]
    absent = [r for r in rows if _key(prop_type, r["properties"].get(name)) is None]
    present.sort(key=lambda r: (_key(prop_type, r["properties"].get(name)), int(r["id"])),
                 reverse=descending)
    ordered = present + absent
    wanted = body.get("properties") or list(DEFAULT_PROPERTIES.get(object_type, ()))
    page = ordered[after:after + limit]
    result = {"total": len(ordered), "results": [public(object_type, r, wanted) for r in page]}
    if after + limit < len(ordered):
        result["paging"] = {"next": {"after": str(after + limit)}}
    return result
