"""Record matching (DESIGN.md "Matching"), as pure functions over plain values.

The ORM edge looks candidates up by these keys in indexed columns; here we only
normalise, and decide what the candidates mean. A match is never guessed:

- the match rules come in groups, tried in order (a "choose your fields" list: one
  pair per group; by default the groups of crm/identifier_table.py);
- the first group whose keys find any candidate decides, even if a later group would
  find exactly one;
- it matches only when it finds exactly one candidate and that candidate is free. Any
  other outcome is `Ambiguous`, and the record fails as a duplicate naming every
  candidate: several candidates, or a candidate already linked to another record of
  this sync (a record is linked at most once, and creating another would make the
  duplicate the sync exists to avoid).
"""

from dataclasses import dataclass
from itertools import groupby
from typing import Generic, TypeVar

from syncapp.crm.identifiers import NORMALIZERS
from syncapp.engine.config import MatchRule

Keys = list[tuple[MatchRule, str]]
Id = TypeVar("Id", int, str)  # a hub record id, or (from the hub side) an app id

# The notes' English, as a record's history keeps it; syncs/match_words.py shows them in
# the reader's language, so a change here is a change there.
KEY = "{label} “{key}”"
OR = " or "
MATCHED = "matched by {keys}"
MISSED = " ({labels} found no record)"
LINKED_ELSEWHERE = ("Duplicate: the record found by {keys} is linked to another record "
                    "already; nothing was linked or created.")
SHARED = ("Duplicate: {n} records share {keys}; nothing was linked or created. Merge or "
          "change them, then retry.")
TAKEN = " Already linked to another record: {ids}."


def match_keys(rules: tuple[MatchRule, ...], values: dict, *, hub: bool = False) -> Keys:
    """(rule, normalised key) for every rule the record has a value for, in rule order:
    an app record's fields, or with `hub` a hub record's properties."""
    keys = []
    for rule in rules:
        raw = values.get(rule.hub_property if hub else rule.app_field)
        key = NORMALIZERS[rule.normalizer](raw if raw is None else str(raw))
        if key:
            keys.append((rule, key))
    return keys


def deciding_key(keys: Keys, candidates: dict) -> str:
    """The key a record waits by (Link.match_key): the first one that found anything,
    else its first key (a record created later on the other side is found by it)."""
    for rule, key in keys:
        if candidates.get((rule.column, key)):
            return key
    return keys[0][1] if keys else ""


@dataclass(frozen=True)
class Match(Generic[Id]):
    candidate: Id
    note: str  # how it was chosen, for the record's history


@dataclass(frozen=True)
class Ambiguous:
    """The deciding key found several candidates, or one already linked elsewhere."""

    candidates: tuple  # every candidate the deciding key found, in id order
    claimed: tuple  # those of them linked to another record already
    key: str
    note: str  # what the record's failure says


def choose(keys: Keys, candidates: dict, claimed: set[Id]) -> Match[Id] | Ambiguous | None:
    """What the first group of keys that finds a candidate says (None: nothing found).

    `candidates` maps (column, key) to candidate ids; `claimed` holds the candidates
    already linked in this object sync.
    """
    missed: list[str] = []
    for _group, grouped in groupby(keys, key=lambda pair: pair[0].group):
        group_keys = list(grouped)
        found = sorted({c for rule, key in group_keys
                        for c in candidates.get((rule.column, key), ())})
        if not found:
            missed.extend(rule.label for rule, _ in group_keys)
            continue
        shown = OR.join(KEY.format(label=rule.label, key=key) for rule, key in group_keys)
        taken = tuple(c for c in found if c in claimed)
        if len(found) == 1 and not taken:
            note = MATCHED.format(keys=shown)
            if missed:
                note += MISSED.format(labels=", ".join(missed))
            return Match(found[0], note)
        deciding = next(key for rule, key in group_keys
                        if candidates.get((rule.column, key)))
        return Ambiguous(tuple(found), taken, deciding, _ambiguous_note(shown, found, taken))
    return None


def _ambiguous_note(shown: str, found: list, taken: tuple) -> str:
    if len(found) == 1:
        return LINKED_ELSEWHERE.format(keys=shown)
    note = SHARED.format(n=len(found), keys=shown)
    if taken:
        note += TAKEN.format(ids=", ".join(map(str, taken)))
    return note
