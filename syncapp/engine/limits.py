"""Limits: which records are excluded from initial linking, and why (pure)."""

from decimal import Decimal, InvalidOperation

from syncapp.crm.identifiers import normalize_email
from syncapp.engine.config import FilterRule

NO_EMAIL = "no_email"
NO_IDENTIFIER = "no_identifier"
FILTERS = "filters"
DIRECTION = "direction"


def _number(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _compare(value, wanted) -> int | None:
    """-1/0/1 comparing numbers as numbers and everything else (ISO dates) as text."""
    left, right = _number(value), _number(wanted)
    if left is not None and right is not None:
        return (left > right) - (left < right)
    if value is None or wanted is None:
        return None
    return (str(value) > str(wanted)) - (str(value) < str(wanted))


def _any_of(wanted) -> set[str]:
    items = wanted if isinstance(wanted, list | tuple) else str(wanted or "").split(",")
    return {str(item).strip().casefold() for item in items if str(item).strip()}


def _fold(value) -> str:
    return str(value or "").casefold()


def _ordered(test):
    def check(value, wanted) -> bool:
        order = _compare(value, wanted)
        return order is not None and test(order)

    return check


OPERATORS = {
    "is_known": lambda value, wanted: bool(value),
    "is_unknown": lambda value, wanted: not value,
    "is": lambda value, wanted: _fold(value) == _fold(wanted),
    "is_not": lambda value, wanted: _fold(value) != _fold(wanted),
    "contains": lambda value, wanted: _fold(wanted) in _fold(value),
    "is_any_of": lambda value, wanted: _fold(value) in _any_of(wanted),
    "gt": _ordered(lambda order: order > 0),
    "lt": _ordered(lambda order: order < 0),
    "after": _ordered(lambda order: order > 0),
    "before": _ordered(lambda order: order < 0),
}


def passes(rule: FilterRule, values: dict) -> bool:
    test = OPERATORS.get(rule.operator)
    return bool(test and test(values.get(rule.field), rule.value))


def exclusion_reason(
    values: dict, filters: tuple[FilterRule, ...], *, email_field: str | None = None,
    identifier_fields: tuple[str, ...] = (),
) -> str | None:
    """Why a record may not be initially linked, or None when it may. With
    `identifier_fields` (a "choose your fields" list), a record without a value in any
    of them has nothing to match by."""
    if email_field and normalize_email(values.get(email_field)) is None:
        return NO_EMAIL
    if identifier_fields and not any(str(values.get(f) or "").strip()
                                     for f in identifier_fields):
        return NO_IDENTIFIER
    if not all(passes(rule, values) for rule in filters):
        return FILTERS
    return None
