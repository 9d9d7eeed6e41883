"""Products (API v2) <-> flat values.

A product has one price per currency (`prices`). The flat `price`, `cost` and
`currency` are those of the company's default currency (else the first price);
a write changes that entry and sends the whole list back, because Pipedrive
replaces `prices` as a whole.
https://developers.pipedrive.com/docs/api/v1/Products#updateProduct
"""

from connectors.pipedrive import values as v
from connectors.pipedrive.adapter import Adapter, Context, as_text, copy_simple

_PRICE_FIELDS = ("price", "cost", "currency")
_PRICE_KEYS = ("price", "currency", "cost", "direct_cost", "notes")

_WRITERS = {
    "name": as_text,
    "code": as_text,
    "description": as_text,
    "unit": as_text,
    "tax": v.to_number,
    "billing_frequency": as_text,
    "owner_id": v.to_int,
}


class Products(Adapter):
    name = "products"
    api = "v2"
    path = "/products"
    fields_path = "/productFields"
    recents_item = "product"
    uses_currency = True

    def to_values(self, raw: dict, context: Context) -> dict:
        entry = _shown_price(raw.get("prices"), context) or {}
        return {
            "name": v.text(raw.get("name")),
            "code": v.text(raw.get("code")),
            "description": v.text(raw.get("description")),
            "unit": v.text(raw.get("unit")),
            "tax": v.number(raw.get("tax")),
            "price": v.number(entry.get("price")),
            "cost": v.number(entry.get("cost")),
            "currency": v.text(entry.get("currency")),
            "billing_frequency": v.text(raw.get("billing_frequency")),
            "owner_id": v.reference(raw.get("owner_id")),
            "add_time": v.timestamp(raw.get("add_time")),
            "update_time": v.timestamp(raw.get("update_time")),
        }

    def needs_current(self, values: dict) -> bool:
        return any(field in values for field in _PRICE_FIELDS)

    def to_payload(self, values: dict, current: dict | None, context: Context) -> dict:
        payload: dict = {}
        copy_simple(values, payload, _WRITERS)
        if any(field in values for field in _PRICE_FIELDS):
            payload["prices"] = _prices(values, (current or {}).get("prices"), context)
        return payload


def _entries(prices: object) -> list[dict]:
    return [p for p in prices if isinstance(p, dict)] if isinstance(prices, list) else []


def _shown_price(prices: object, context: Context) -> dict | None:
    entries = _entries(prices)
    own = [p for p in entries if context.currency and p.get("currency") == context.currency]
    shown = own or entries
    return shown[0] if shown else None


def _prices(values: dict, stored: object, context: Context) -> list[dict]:
    entries = [{k: p[k] for k in _PRICE_KEYS if k in p} for p in _entries(stored)]
    shown = _shown_price(entries, context)
    if shown is None:
        shown = {"currency": context.currency or "USD", "price": 0}
        entries.append(shown)
    currency = values.get("currency") or shown.get("currency") or context.currency or "USD"
    entries = [p for p in entries if p is shown or p.get("currency") != currency]
    shown["currency"] = currency
    if "price" in values:
        shown["price"] = v.to_number("price", values["price"]) or 0
    if "cost" in values:
        shown["cost"] = v.to_number("cost", values["cost"]) or 0
    return entries
