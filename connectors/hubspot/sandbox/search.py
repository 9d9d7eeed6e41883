"""POST /crm/v3/objects/<type>/search: filters, one sort, offset paging, its limits.

https://developers.hubspot.com/docs/api/crm/search
Reproduced: `query` in each object's default searchable properties only;
`filterGroups` (ORed) of `filters` (ANDed), or one top-level `filters`
list (HubSpot's own example of searching through associations uses it); at most 5
groups, 6 filters a group and 18 in all; the operators in OPERATORS, each checked
for the operands it needs; the `associations.<object>` pseudo-property with EQ;
case-insensitive values except for enumerations, and `IN` on a text property
matching lower-case values only; at most 200 results a page; one sorting rule;
a body of at most 3,000 characters; and no paging past 10,000 results (a 400).
Anything else in the body is refused, never ignored. Results are sorted with
hs_object_id as the tie-breaker, which HubSpot does not document; the connector
does not rely on it.
"""

import re
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatchcase

from connectors.hubspot.sandbox.routing import bad, known_fields, object_type
from connectors.hubspot.sandbox.schema import DEFAULT_PROPERTIES, SEARCHABLE, Prop, property_map
from connectors.hubspot.sandbox.store import Portal, public
from connectors.hubspot.sandbox.validate import epoch_ms

SEARCH_FIELDS = ("filterGroups", "filters", "sorts", "query", "properties", "limit", "after")
FILTER_FIELDS = ("propertyName", "operator", "value", "values", "highValue")
SORT_FIELDS = ("propertyName", "direction")
ONE_VALUE = {"EQ", "NEQ", "LT", "LTE", "GT", "GTE", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}
LIST_VALUES = {"IN", "NOT_IN"}
NO_VALUE = {"HAS_PROPERTY", "NOT_HAS_PROPERTY"}
OPERATORS = ONE_VALUE | LIST_VALUES | NO_VALUE | {"BETWEEN"}
MAX_GROUPS, MAX_PER_GROUP, MAX_FILTERS = 5, 6, 18
MAX_BODY_CHARS = 3000
_TOKEN_SPLIT = re.compile(r"[^\w@.+-]+")


def _key(prop_type: str, value, *, fold: bool = True):
    """A comparable form of a stored or filter value for this property type; text is
    case-folded unless `fold` is off (enumerations are matched case-sensitively)."""
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
    return text.lower() if fold and prop_type != "enumeration" else text


def _has_token(stored, raw) -> bool:
    """CONTAINS_TOKEN: a whole word of the value, or a `*` wildcard pattern."""
    if stored is None:
        return False
    text, pattern = str(stored).lower(), str(raw).lower()
    words = [text, *(w for w in _TOKEN_SPLIT.split(text) if w)]
    if "*" in pattern:
        return any(fnmatchcase(word, pattern) for word in words)
    return pattern in words


def _check_operands(flt: dict) -> None:
    operator = flt.get("operator")
    if operator not in OPERATORS:
        raise bad(f"Unknown operator {operator!r}; this sandbox implements: "
                  + ", ".join(sorted(OPERATORS)))
    if operator in ONE_VALUE and flt.get("value") in (None, ""):
        raise bad(f"Operator {operator} needs a `value`")
    if operator == "BETWEEN" and (flt.get("value") in (None, "")
                                  or flt.get("highValue") in (None, "")):
        raise bad("Operator BETWEEN needs `value` and `highValue`")
    if operator in LIST_VALUES and not (isinstance(flt.get("values"), list) and flt["values"]):
        raise bad(f"Operator {operator} needs a non-empty `values` list")


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


def _matches(record: dict, flt: dict, prop: Prop) -> bool:
    operator, raw = flt["operator"], record["properties"].get(prop.name)
    stored = _key(prop.type, raw)
    if operator in NO_VALUE:
        return (stored is not None) == (operator == "HAS_PROPERTY")
    if operator in LIST_VALUES:
        # Text is stored case-folded but the values are taken as sent: HubSpot wants
        # them in lower case for text properties (and exact for enumerations).
        values = {_key(prop.type, v, fold=False) for v in flt["values"]}
        return (stored in values) == (operator == "IN")
    if operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        return _has_token(raw, flt["value"]) == (operator == "CONTAINS_TOKEN")
    return _compare(operator, stored, flt, prop.type)


def _condition(portal: Portal, object_type_: str, flt, known: dict):
    """One filter as a test of a record, checked before any record is read."""
    flt = known_fields(flt, FILTER_FIELDS, "Filter")
    _check_operands(flt)
    name = str(flt.get("propertyName") or "")
    if name.startswith("associations."):
        return _association_condition(portal, object_type_, name, flt)
    prop = known.get(name)
    if prop is None:
        raise bad(f"There was a problem with the request: unknown property {name!r}")
    return lambda record: _matches(record, flt, prop)


def _association_condition(portal: Portal, from_type: str, name: str, flt: dict):
    """`associations.<object>` EQ <id>: records associated with that record.
    https://developers.hubspot.com/docs/api/crm/search#search-through-associations"""
    to_type = object_type(name.split(".", 1)[1])
    if flt["operator"] != "EQ":
        raise bad(f"{name} takes the EQ operator only")
    wanted = str(flt["value"])
    return lambda record: any(to_id == wanted for to_id, _kinds
                              in portal.targets(from_type, record["id"], to_type))


def _groups(body: dict) -> list[list]:
    if "filters" in body and "filterGroups" in body:
        raise bad("Use either `filterGroups` or a top-level `filters` list, not both")
    if "filters" in body:
        raw_groups = [{"filters": body["filters"]}]
    else:
        raw_groups = body.get("filterGroups") or []
    if not isinstance(raw_groups, list):
        raise bad("Invalid input JSON: `filterGroups` must be a list")
    groups = []
    for group in raw_groups:
        filters = known_fields(group, ("filters",), "FilterGroup").get("filters")
        if not isinstance(filters, list):
            raise bad("Invalid input JSON: every filter group needs a `filters` list")
        groups.append(filters)
    if (len(groups) > MAX_GROUPS or any(len(g) > MAX_PER_GROUP for g in groups)
            or sum(map(len, groups)) > MAX_FILTERS):
        raise bad(f"Too many filters: at most {MAX_GROUPS} filterGroups of {MAX_PER_GROUP} "
                  f"filters, {MAX_FILTERS} in all")
    return groups


def _sort(body: dict, known: dict):
    sorts = body.get("sorts") or []
    if not isinstance(sorts, list) or len(sorts) > 1:
        raise bad("Only one sort is supported")
    if not sorts:
        return "hs_object_id", False
    first = sorts[0]
    if isinstance(first, str):  # "prop" or "-prop"
        name, descending = first.lstrip("-"), first.startswith("-")
    else:
        first = known_fields(first, SORT_FIELDS, "Sort")
        direction = first.get("direction", "ASCENDING")
        if direction not in ("ASCENDING", "DESCENDING"):
            raise bad(f"Sort direction must be ASCENDING or DESCENDING, not {direction!r}")
        name, descending = str(first.get("propertyName") or ""), direction == "DESCENDING"
    if name not in known:
        raise bad(f"Cannot sort on unknown property {name!r}")
    return name, descending


def _integer(body: dict, name: str, default: int) -> int:
    raw = body.get(name)
    if raw is None:
        return default
    if isinstance(raw, bool) or not str(raw).isdigit():
        raise bad(f"`{name}` must be an integer, not {raw!r}")
    return int(raw)


def _page_args(body: dict, cap: int) -> tuple[int, int]:
    limit, after = _integer(body, "limit", 10), _integer(body, "after", 0)
    if limit > 200 or limit < 1:
        raise bad("limit must be between 1 and 200")
    if after >= cap:
        raise bad(f"The search API does not page beyond {cap} results; narrow the query")
    return limit, after


def search(portal: Portal, object_type_: str, body, raw_size: int, cap: int) -> dict:
    """A search answer, or HubSpotError for a body HubSpot (or this sandbox) refuses."""
    body = known_fields(body, SEARCH_FIELDS, "PublicObjectSearchRequest")
    if raw_size > MAX_BODY_CHARS:
        raise bad(f"The search request is {raw_size} characters; at most {MAX_BODY_CHARS}")
    known = property_map(object_type_)
    limit, after = _page_args(body, cap)
    groups = [[_condition(portal, object_type_, f, known) for f in g] for g in _groups(body)]
    query = str(body.get("query") or "").lower()
    searched = SEARCHABLE[object_type_]
    rows = [r for r in portal.records(object_type_)
            if (not groups or any(all(test(r) for test in g) for g in groups))
            and (not query or any(query in str(r["properties"].get(n) or "").lower()
                                  for n in searched))]
    name, descending = _sort(body, known)
    prop_type = known[name].type
    present = [r for r in rows if _key(prop_type, r["properties"].get(name)) is not None]
    absent = [r for r in rows if _key(prop_type, r["properties"].get(name)) is None]
    present.sort(key=lambda r: (_key(prop_type, r["properties"].get(name)), int(r["id"])),
                 reverse=descending)
    ordered = present + absent
    wanted = body.get("properties") or list(DEFAULT_PROPERTIES.get(object_type_, ()))
    if not isinstance(wanted, list):
        raise bad("Invalid input JSON: `properties` must be a list of property names")
    page = ordered[after:after + limit]
    result = {"total": len(ordered), "results": [public(object_type_, r, wanted) for r in page]}
    if after + limit < len(ordered):
        result["paging"] = {"next": {"after": str(after + limit)}}
    return result
