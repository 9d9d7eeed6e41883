"""Record matching (DESIGN.md "Matching"), as pure functions over plain values.

The ORM edge looks candidates up by these keys in indexed columns; here we only
normalise, and choose among candidates deterministically.
"""

from dataclasses import dataclass

from syncapp.crm.identifiers import (
    normalize_domain,
    normalize_email,
    normalize_name,
    normalize_sku,
)
from syncapp.engine.config import MatchRule


def _normalize_text(raw: str | None) -> str | None:
    return (raw or "").strip().casefold() or None


NORMALIZERS = {
    "email": normalize_email,
    "name": normalize_name,
    "domain": normalize_domain,
    "sku": normalize_sku,
    "text": _normalize_text,
}


def match_keys(rules: tuple[MatchRule, ...], values: dict) -> list[tuple[MatchRule, str]]:
    """(rule, normalised key) for every rule the record has a value for, in rule order."""
    keys = []
    for rule in rules:
        key = NORMALIZERS[rule.normalizer](values.get(rule.app_field))
        if key:
            keys.append((rule, key))
    return keys


@dataclass(frozen=True)
class Match:
    hub_id: int
    note: str  # how it was chosen, for the record's history


def choose(
    keys: list[tuple[MatchRule, str]], candidates: dict[tuple[str, str], list[int]],
    claimed: set[int],
) -> Match | None:
    """The first rule that finds an unclaimed hub record wins; the lowest id among ties.

    `candidates` maps (column, key) to hub record ids; `claimed` holds hub records
    already linked in this object sync (a record is linked at most once).
    """
    for rule, key in keys:
        free = sorted(i for i in candidates.get((rule.column, key), ()) if i not in claimed)
        if not free:
            continue
        note = f"matched by {rule.label} “{key}”"
        if len(free) > 1:
            others = ", ".join(f"#{i}" for i in free[1:6])
            note += f"; {len(free)} candidates, chose #{free[0]} (lowest id) over {others}"
        return Match(free[0], note)
    return None
