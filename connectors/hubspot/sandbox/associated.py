"""`associations=` on the v3 list and get: a record's associations inside its answer.

HubSpot answers `?associations=companies` with
`"associations": {"companies": {"results": [{"id": "…", "type": "contact_to_company"}]}}`,
one entry per association type (a primary company comes twice: `contact_to_company`
and `contact_to_company_unlabeled`), and leaves out a type with no associations.
https://developers.hubspot.com/docs/api/crm/understanding-the-crm#retrieve-associations
"""

from connectors.hubspot.sandbox.routing import listed, object_type
from connectors.hubspot.sandbox.schema import ALIASES
from connectors.hubspot.sandbox.store import Portal, association_types

SINGULAR = {plural: name for name, plural in ALIASES.items()
            if name != plural and not name[0].isdigit()}


def type_name(from_type: str, to_type: str, type_id: int) -> str:
    """HubSpot's v3 name of an association type: `deal_to_company` for the primary (or
    only) one, `deal_to_company_unlabeled` for the unlabeled one beside a primary."""
    base = f"{SINGULAR[from_type]}_to_{SINGULAR[to_type]}"
    kinds = association_types(from_type, to_type)
    labeled = any(label for _t, label in kinds)
    unlabeled = next((t for t, label in kinds if label is None), None)
    return f"{base}_unlabeled" if labeled and type_id == unlabeled else base


def wanted_associations(request) -> list[str]:
    """The object types named by `associations=` (plural, singular or type id)."""
    return list(dict.fromkeys(object_type(name) for name in listed(request, "associations")))


def associations_of(portal: Portal, from_type: str, object_id: str, to_types) -> dict:
    found = {}
    for to_type in to_types:
        results = [{"id": to_id, "type": type_name(from_type, to_type, type_id)}
                   for to_id, kinds in portal.targets(from_type, object_id, to_type)
                   for type_id in sorted(kinds)]
        if results:
            found[to_type] = {"results": results}
    return found
