"""Associations through the v4 API, and deal <-> product links through line items.

HubSpot keeps associations in their own API, typed by HUBSPOT_DEFINED ids: an
unlabeled type per direction, plus a "Primary" type where a record has one
primary company. Only type ids are stable; labels have been renamed before.
https://developers.hubspot.com/docs/api/crm/associations

HubSpot never associates a deal with a product: a deal has line items, each
pointing at a product through `hs_product_id`. The hub's deal -> product link is
read from, and written as, a line item of quantity 1.
https://developers.hubspot.com/docs/api/crm/line-items
"""

from collections.abc import Sequence
from functools import partial

from connectors.hubspot import writes
from connectors.hubspot.client import CrmApi, result_page
from connectors.hubspot.crm import LINE_ITEMS
from connectors.hubspot.reads import APP, read_by_ids
from connectors.sdk import (
    AssociationRecord,
    ConnectorError,
    ErrorCategory,
    Outcomes,
    Paginator,
    WriteOutcome,
)

BATCH_MAX = 100

# (from, to) -> (unlabeled type id, "Primary" type id or None)
TYPES: dict[tuple[str, str], tuple[int, int | None]] = {
    ("contacts", "companies"): (279, 1), ("companies", "contacts"): (280, 2),
    ("deals", "companies"): (341, 5), ("companies", "deals"): (342, 6),
    ("deals", "contacts"): (3, None), ("contacts", "deals"): (4, None),
    ("tickets", "contacts"): (16, None), ("contacts", "tickets"): (15, None),
    ("tickets", "companies"): (339, 26), ("companies", "tickets"): (340, 25),
    ("tickets", "deals"): (28, None), ("deals", "tickets"): (27, None),
    ("deals", "line_items"): (19, None), ("line_items", "deals"): (20, None),
    **{(activity, to): (type_id, None) for activity, ids in {
        "calls": (194, 182, 206, 220), "emails": (198, 186, 210, 224),
        "meetings": (200, 188, 212, 226), "notes": (202, 190, 214, 228),
        "tasks": (204, 192, 216, 230),
    }.items() for to, type_id in zip(("contacts", "companies", "deals", "tickets"), ids,
                                       strict=True)},
}
VIA_LINE_ITEMS = ("deals", "products")


def _spec(type_id: int) -> dict:
    return {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}


def read(api: CrmApi, from_object: str, ids: Sequence[str], to_object: str):
    if (from_object, to_object) == VIA_LINE_ITEMS:
        return _read_deal_products(api, ids)
    primary_type = TYPES.get((from_object, to_object), (0, None))[1]
    found: dict[tuple[str, str], AssociationRecord] = {}
    for from_id, to_id, type_ids in _edges(api, from_object, ids, to_object):
        key = (from_id, to_id)
        primary = primary_type is not None and primary_type in type_ids
        if key not in found or primary:
            found[key] = AssociationRecord(from_id, to_id, primary=primary)
    return list(found.values())


def _edges(api: CrmApi, from_object: str, ids: Sequence[str], to_object: str):
    """(from id, to id, {type ids}) for every association, following per-record paging."""
    wanted = list(dict.fromkeys(str(i) for i in ids if str(i).isdigit()))
    for start in range(0, len(wanted), BATCH_MAX):
        inputs = [{"id": i} for i in wanted[start:start + BATCH_MAX]]
        page = result_page(api.associations_v4(from_object, to_object, "read", inputs),
                           "an association read")
        for result in page.results:
            from_id = str((result.get("from") or {}).get("id") or "")
            yield from _targets(from_id, result.get("to"))
            after = ((result.get("paging") or {}).get("next") or {}).get("after")
            if from_id and after:
                yield from _more_edges(api, from_object, from_id, to_object, str(after))


def _more_edges(api: CrmApi, from_object: str, from_id: str, to_object: str, after: str):
    """The rest of one record's associations, beyond the batch read's first page."""

    def fetch(cursor: str | None):
        more = api.association_page(from_object, from_id, to_object, cursor)
        return more.results, more.next_after

    for results in Paginator(APP, after).pages(fetch):
        yield from _targets(from_id, results)


def _targets(from_id: str, targets):
    for target in targets if isinstance(targets, list) else []:
        if not isinstance(target, dict) or target.get("toObjectId") is None or not from_id:
            continue
        kinds = target.get("associationTypes") or []
        type_ids = {k.get("typeId") for k in kinds if isinstance(k, dict)}
        yield from_id, str(target["toObjectId"]), type_ids


def write(api: CrmApi, from_object: str, to_object: str,
          pairs: Sequence[AssociationRecord]) -> list[WriteOutcome]:
    """One outcome per pair, in order, ref "<from id>-><to id>". Associating twice is
    harmless in HubSpot, so a connection-wide failure simply raises."""
    if (from_object, to_object) == VIA_LINE_ITEMS:
        return _write_deal_products(api, pairs)
    types = TYPES.get((from_object, to_object))
    if types is None:
        raise KeyError(f"HubSpot has no association from {from_object} to {to_object}")
    book = Outcomes([_ref(p) for p in pairs])
    indexed = [(index, p, _association_input(p, types)) for index, p in enumerate(pairs)]
    for start in range(0, len(indexed), BATCH_MAX):
        if book.stopped is None:
            _write_chunk(api, from_object, to_object, indexed[start:start + BATCH_MAX], book)
    if book.stopped is not None:
        raise book.stopped
    return book.results()


def _association_input(pair: AssociationRecord, types: tuple[int, int | None]) -> dict:
    default_type, primary_type = types
    kinds = [_spec(default_type)] + ([_spec(primary_type)] if pair.primary and primary_type
                                     else [])
    return {"from": {"id": pair.from_id}, "to": {"id": pair.to_id}, "types": kinds}


def _write_chunk(api: CrmApi, from_object: str, to_object: str, chunk, book: Outcomes) -> None:
    """batch/create; a refused batch, or a pair missing from a 207, goes one by one."""
    try:
        response = api.associations_v4(from_object, to_object, "create",
                                       [body for _i, _p, body in chunk])
    except ConnectorError as exc:
        if not book.stop_on(exc):
            _associate_one_by_one(api, from_object, to_object, chunk, book)
        return
    made = {(str(r.get("fromObjectId")), str(r.get("toObjectId")))
            for r in result_page(response, "an association write").results}
    for index, pair, _body in chunk:
        if (pair.from_id, pair.to_id) in made:
            book.settle(index)
    missing = [item for item in chunk if (item[1].from_id, item[1].to_id) not in made]
    _associate_one_by_one(api, from_object, to_object, missing, book)


def _ref(pair: AssociationRecord) -> str:
    return f"{pair.from_id}->{pair.to_id}"


def _associate_one_by_one(api: CrmApi, from_object: str, to_object: str, chunk,
                          book: Outcomes) -> None:
    def associate(pair: AssociationRecord, body: dict) -> None:
        api.associate_one(from_object, pair.from_id, to_object, pair.to_id, body["types"])

    for index, pair, body in chunk:
        book.attempt(index, partial(associate, pair, body), refine=_association_error)


def _association_error(exc: ConnectorError) -> ConnectorError:
    """A refused association: a limit, or the other record missing (not synced yet)."""
    return ConnectorError(ErrorCategory.ASSOCIATION_FAILED, "HubSpot refused the association.",
                          vendor_message=exc.vendor_message, status=exc.status)


# --- deals <-> products through line items -------------------------------------------


def _read_deal_products(api: CrmApi, deal_ids: Sequence[str]) -> list[AssociationRecord]:
    line_items = {to_id: from_id for from_id, to_id, _types
                  in _edges(api, "deals", deal_ids, "line_items")}
    fields = {f.name: f for f in LINE_ITEMS.fields}
    pairs = {(line_items[item.id], item.values.get("hs_product_id"))
             for item in read_by_ids(api, "line_items", fields, list(line_items))}
    return [AssociationRecord(deal, product) for deal, product in sorted(pairs) if product]


def _write_deal_products(api: CrmApi, pairs: Sequence[AssociationRecord]):
    existing = {(a.from_id, a.to_id)
                for a in _read_deal_products(api, sorted({p.from_id for p in pairs}))}
    todo = list({(p.from_id, p.to_id): p for p in pairs
                 if (p.from_id, p.to_id) not in existing}.values())
    to_deal = _spec(TYPES[("line_items", "deals")][0])
    items = [(_ref(p), {"properties": {"hs_product_id": p.to_id, "quantity": "1"},
                        "associations": [{"to": {"id": p.from_id}, "types": [to_deal]}]})
             for p in todo]
    fields = {f.name: f for f in LINE_ITEMS.fields}
    made = {o.ref: o for o in writes.create(api, "line_items", fields, items)}
    outcomes = []
    for pair in pairs:
        error = made[_ref(pair)].error if _ref(pair) in made else None
        if error and not error.connection_wide:
            error = _association_error(error)  # most likely: the product is not synced yet
        outcomes.append(WriteOutcome(_ref(pair), error=error))
    return outcomes
