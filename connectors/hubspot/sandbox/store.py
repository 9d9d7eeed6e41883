"""One emulated HubSpot portal: its records, their timestamps, and associations.

Records keep HubSpot's server-set parts: numeric ids from a portal-wide
counter, `createdAt`/`updatedAt` in milliseconds (mirrored in `createdate`
and the last-modified property), and `archivedAt` once archived. Archived
records stay, as in HubSpot, where they can be listed with `archived=true`.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from connectors.hubspot.sandbox.schema import (
    created_property,
    modified_property,
    property_map,
)
from connectors.hubspot.sandbox.validate import HubSpotError, invalid_properties, iso, validate
from connectors.sdk.sandbox import SandboxAccount

# (from, to) -> the HUBSPOT_DEFINED association types, (type id, label).
# https://developers.hubspot.com/docs/api/crm/associations#association-type-id-values
_PAIRS = {
    ("contacts", "companies"): ((279, None), (1, "Primary")),
    ("companies", "contacts"): ((280, None), (2, "Primary")),
    ("deals", "companies"): ((341, None), (5, "Primary")),
    ("companies", "deals"): ((342, None), (6, "Primary")),
    ("tickets", "companies"): ((339, None), (26, "Primary")),
    ("companies", "tickets"): ((340, None), (25, "Primary")),
    ("deals", "contacts"): ((3, None),), ("contacts", "deals"): ((4, None),),
    ("tickets", "contacts"): ((16, None),), ("contacts", "tickets"): ((15, None),),
    ("tickets", "deals"): ((28, None),), ("deals", "tickets"): ((27, None),),
    ("deals", "line_items"): ((19, None),), ("line_items", "deals"): ((20, None),),
}
_INVERSE = {279: 280, 1: 2, 341: 342, 5: 6, 339: 340, 26: 25, 3: 4, 16: 15, 28: 27, 19: 20}
for _activity, (_to_contact, _to_company, _to_deal, _to_ticket) in {
    "calls": (194, 182, 206, 220), "emails": (198, 186, 210, 224),
    "meetings": (200, 188, 212, 226), "notes": (202, 190, 214, 228),
    "tasks": (204, 192, 216, 230),
}.items():
    for _to, _type_id in (("contacts", _to_contact), ("companies", _to_company),
                          ("deals", _to_deal), ("tickets", _to_ticket)):
        _PAIRS[(_activity, _to)] = ((_type_id, None),)
        _PAIRS[(_to, _activity)] = ((_type_id - 1, None),)
        _INVERSE[_type_id] = _type_id - 1
INVERSE = {**_INVERSE, **{b: a for a, b in _INVERSE.items()}}
UNIQUE_PRIMARY = {1, 5, 26}  # a record has at most one primary company
LABELS = {type_id: label for pair in _PAIRS.values() for type_id, label in pair}


def association_types(from_type: str, to_type: str) -> tuple[tuple[int, str | None], ...]:
    return _PAIRS.get((from_type, to_type), ())


def target_type(from_type: str, type_id) -> str | None:
    """The object type an association type id leads to from `from_type`."""
    for (source, target), kinds in _PAIRS.items():
        if source == from_type and any(t == type_id for t, _label in kinds):
            return target
    return None


@dataclass
class Portal(SandboxAccount):
    """A HubSpot account (a "portal", named by its hub id)."""

    hub_id: int = 0
    hub_domain: str = ""
    user_id: int = 0
    next_id: int = 1001
    last_ms: int = 0
    # (type, id) -> {(type, id): {association type ids}}, both directions kept
    edges: dict = field(default_factory=lambda: defaultdict(dict))
    # Contacts by lower-cased email as last written: a hint, checked against the record,
    # so that the uniqueness check needs no scan of every contact.
    email_index: dict = field(default_factory=dict)
    # Changes not yet turned into webhook events, (subscription kind, object type, id,
    # changed property names, ms): the sandbox drains them after each request.
    changes: list = field(default_factory=list)

    # --- time and ids -----------------------------------------------------------------

    def now(self) -> int:
        self.last_ms = max(int(time.time() * 1000), self.last_ms)
        return self.last_ms

    def new_id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    # --- records ----------------------------------------------------------------------

    def table(self, object_type: str) -> dict:
        return self.data[object_type]

    def live(self, object_type: str, object_id) -> dict | None:
        record = self.table(object_type).get(str(object_id))
        return record if record and record["archivedAt"] is None else None

    def records(self, object_type: str, archived: bool = False) -> list[dict]:
        rows = [r for r in self.table(object_type).values()
                if (r["archivedAt"] is not None) == archived]
        return sorted(rows, key=lambda r: int(r["id"]))

    def insert(self, object_type: str, properties: dict, at: int | None = None) -> dict:
        """Store a record with server-set parts; `at` back-dates seeded records."""
        moment = at if at is not None else self.now()
        object_id = self.new_id()
        record = {"id": object_id, "properties": dict(properties), "createdAt": moment,
                  "updatedAt": moment, "archivedAt": None}
        self._stamp(object_type, record, moment)
        self.table(object_type)[object_id] = record
        self._note_email(object_type, record)
        if at is None:  # seeded records were there before any app was installed
            self.changes.append(("creation", object_type, object_id, (), moment))
        return record

    def _stamp(self, object_type: str, record: dict, moment: int) -> None:
        record["updatedAt"] = moment
        props = record["properties"]
        props["hs_object_id"] = record["id"]
        props[created_property(object_type)] = iso(record["createdAt"])
        props[modified_property(object_type)] = iso(moment)
        if object_type == "line_items":
            props["amount"] = _line_amount(props)

    def prepare(self, object_type: str, properties, *, creating: bool,
                exclude: str | None = None) -> dict:
        """Validated values to store; HubSpotError when HubSpot would refuse them."""
        clean = validate(object_type, properties, creating=creating)
        if creating:
            clean = self._line_item_defaults(object_type, clean)
        self._unique_email(object_type, clean, exclude=exclude)
        return clean

    def apply(self, object_type: str, record: dict, clean: dict) -> dict:
        changed = tuple(name for name, value in clean.items()
                        if record["properties"].get(name) != value)
        record["properties"].update(clean)
        self._stamp(object_type, record, self.now())
        self._note_email(object_type, record)
        if changed:
            self.changes.append(("propertyChange", object_type, record["id"], changed,
                                 record["updatedAt"]))
        return record

    def update(self, object_type: str, object_id: str, properties) -> dict:
        record = self.live(object_type, object_id)
        if record is None:
            raise not_found(object_id)
        clean = self.prepare(object_type, properties, creating=False, exclude=record["id"])
        return self.apply(object_type, record, clean)

    def archive(self, object_type: str, object_id: str) -> None:
        record = self.live(object_type, object_id)
        if record is not None:
            record["archivedAt"] = self.now()
            self.changes.append(("deletion", object_type, record["id"], (),
                                 record["archivedAt"]))

    def _unique_email(self, object_type: str, props: dict, exclude: str | None = None) -> None:
        """Contacts are unique by email, case-insensitively: 409 CONFLICT."""
        email = (props.get("email") or "").strip().lower()
        if object_type != "contacts" or not email:
            return
        other = self.live("contacts", self.email_index.get(email, ""))
        if other and other["id"] != exclude and _email(other) == email:
            raise HubSpotError(409, f"Contact already exists. Existing ID: {other['id']}",
                               "CONFLICT")

    def _note_email(self, object_type: str, record: dict) -> None:
        if object_type == "contacts" and _email(record):
            self.email_index[_email(record)] = record["id"]

    def _line_item_defaults(self, object_type: str, props: dict) -> dict:
        """A line item with hs_product_id takes the product's name, price and SKU."""
        if object_type != "line_items":
            return props
        product_id = props.get("hs_product_id")
        if product_id:
            product = self.live("products", product_id)
            if product is None:
                raise HubSpotError(400, f"Product with id {product_id} does not exist",
                                   "VALIDATION_ERROR")
            for name in ("name", "price", "hs_sku"):
                props.setdefault(name, product["properties"].get(name) or "")
        if not props.get("name"):
            raise invalid_properties([("MISSING_REQUIRED_PROPERTY", "name", "name is required")])
        return props

    # --- associations -----------------------------------------------------------------

    def associate(self, from_type, from_id, to_type, to_id, type_ids) -> None:
        allowed = {t for t, _label in association_types(from_type, to_type)}
        if not type_ids or not set(type_ids) <= allowed:
            raise HubSpotError(400, f"Invalid association type ids {sorted(type_ids)} "
                               f"for {from_type} to {to_type}", "VALIDATION_ERROR")
        for object_type, object_id in ((from_type, from_id), (to_type, to_id)):
            if self.live(object_type, object_id) is None:
                raise not_found(object_id)
        for type_id in set(type_ids) & UNIQUE_PRIMARY:
            for (other_type, other_id), kinds in list(self.edges[(from_type, str(from_id))]
                                                      .items()):
                if other_type == to_type and type_id in kinds:
                    self._unlink(from_type, str(from_id), other_type, other_id, {type_id})
        # A labeled association always comes with the unlabeled one.
        default = association_types(from_type, to_type)[0][0]
        self._link(from_type, str(from_id), to_type, str(to_id), {*type_ids, default})

    def _link(self, from_type, from_id, to_type, to_id, type_ids) -> None:
        self.edges[(from_type, from_id)].setdefault((to_type, to_id), set()).update(type_ids)
        back = {INVERSE[t] for t in type_ids}
        self.edges[(to_type, to_id)].setdefault((from_type, from_id), set()).update(back)

    def _unlink(self, from_type, from_id, to_type, to_id, type_ids) -> None:
        for (a, a_id), (b, b_id), kinds in (
            ((from_type, from_id), (to_type, to_id), type_ids),
            ((to_type, to_id), (from_type, from_id), {INVERSE[t] for t in type_ids}),
        ):
            edge = self.edges[(a, a_id)].get((b, b_id))
            if edge is not None:
                edge -= kinds
                if not edge:
                    del self.edges[(a, a_id)][(b, b_id)]

    def disassociate(self, from_type, from_id, to_type, to_id) -> None:
        kinds = self.edges[(from_type, str(from_id))].get((to_type, str(to_id)), set())
        self._unlink(from_type, str(from_id), to_type, str(to_id), set(kinds))

    def targets(self, from_type: str, from_id: str, to_type: str) -> list[tuple[str, set]]:
        """Live associated records, by id."""
        found = [(other_id, kinds) for (other_type, other_id), kinds
                 in self.edges[(from_type, str(from_id))].items()
                 if other_type == to_type and self.live(to_type, other_id)]
        return sorted(found, key=lambda item: int(item[0]))


def _email(record: dict) -> str:
    return (record["properties"].get("email") or "").strip().lower()


def not_found(object_id) -> HubSpotError:
    return HubSpotError(404, "Object not found.  objectId are usually numeric.",
                        "OBJECT_NOT_FOUND", context={"id": [str(object_id)]})


def _line_amount(props: dict) -> str:
    try:
        quantity = Decimal(props.get("quantity") or "1")
        price = Decimal(props.get("price") or "0")
        discount = Decimal(props.get("discount") or "0")
    except InvalidOperation:
        return ""
    return format((quantity * (price - discount)).normalize(), "f")


def public(object_type: str, record: dict, wanted: list[str] | None) -> dict:
    """A record as the v3 API returns it; asked-for properties come back, null if unset."""
    props = record["properties"]
    known = property_map(object_type)
    always = ("hs_object_id", created_property(object_type), modified_property(object_type))
    names = [n for n in (*(wanted or ()), *always) if n in known]
    body = {
        "id": record["id"],
        "properties": {n: (props.get(n) or None) for n in dict.fromkeys(names)},
        "createdAt": iso(record["createdAt"]), "updatedAt": iso(record["updatedAt"]),
        "archived": record["archivedAt"] is not None,
    }
    if record["archivedAt"] is not None:
        body["archivedAt"] = iso(record["archivedAt"])
    return body
