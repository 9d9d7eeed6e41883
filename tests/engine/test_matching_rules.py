"""DESIGN.md's matching rule as a table (pure: no database): the first group of keys
that finds any candidate decides; exactly one free candidate matches; anything else
is a duplicate naming every candidate."""

import pytest

from syncapp.engine.config import MatchRule
from syncapp.engine.matching import Ambiguous, Match, choose, match_keys

EMAIL = MatchRule("email", "email", "email_key", "email", "email", group=0)
PHONE = MatchRule("phone", "phone", "property:phone", "text", "phone", group=1)
NAME = MatchRule("name", "name", "name_key", "name", "name", group=0)
DOMAIN = MatchRule("domain", "domain", "domain_key", "domain", "company domain", group=0)
PERSON = (EMAIL, PHONE)  # a "choose your fields" list: email, then phone
COMPANY = (NAME, DOMAIN)  # the default for companies: name or domain, one group
RECORD = {"email": "Ana@X.example", "phone": " 555 0100 ", "name": "Acme",
          "domain": "www.acme.example"}


def outcome(rules, candidates, claimed=()):
    found = choose(match_keys(rules, RECORD), candidates, set(claimed))
    if isinstance(found, Match):
        return ("match", found.candidate)
    if isinstance(found, Ambiguous):
        return ("duplicate", found.candidates, found.claimed)
    return None


@pytest.mark.parametrize(("case", "rules", "candidates", "claimed", "expected"), [
    ("the first key finds one: linked", PERSON,
     {("email_key", "ana@x.example"): [7]}, (), ("match", 7)),
    ("the first finds nothing, the fallback one: linked by it", PERSON,
     {("property:phone", "555 0100"): [8]}, (), ("match", 8)),
    ("nothing anywhere: no match (create)", PERSON, {}, (), None),
    ("the first finds two: a duplicate naming both", PERSON,
     {("email_key", "ana@x.example"): [9, 7]}, (), ("duplicate", (7, 9), ())),
    ("the first decides even if the fallback is unique", PERSON,
     {("email_key", "ana@x.example"): [7, 9], ("property:phone", "555 0100"): [8]}, (),
     ("duplicate", (7, 9), ())),
    ("the one candidate is linked elsewhere: a duplicate, not a create", PERSON,
     {("email_key", "ana@x.example"): [7]}, (7,), ("duplicate", (7,), (7,))),
    ("one free and one linked elsewhere: still a duplicate", PERSON,
     {("email_key", "ana@x.example"): [7, 9]}, (9,), ("duplicate", (7, 9), (9,))),
    ("a claimed first key does not fall through to the fallback", PERSON,
     {("email_key", "ana@x.example"): [7], ("property:phone", "555 0100"): [8]}, (7,),
     ("duplicate", (7,), (7,))),
    ("company: name finds A, domain finds B: a duplicate", COMPANY,
     {("name_key", "acme"): [1], ("domain_key", "acme.example"): [2]}, (),
     ("duplicate", (1, 2), ())),
    ("company: name and domain find the same record: linked", COMPANY,
     {("name_key", "acme"): [1], ("domain_key", "acme.example"): [1]}, (), ("match", 1)),
    ("company: only the domain finds one: linked", COMPANY,
     {("domain_key", "acme.example"): [2]}, (), ("match", 2)),
])
def test_the_matching_rule(case, rules, candidates, claimed, expected):
    assert outcome(rules, candidates, claimed) == expected, case


def test_the_history_says_which_key_linked_and_which_found_nothing():
    found = choose(match_keys(PERSON, RECORD), {("property:phone", "555 0100"): [8]}, set())
    assert found.note == "matched by phone “555 0100” (email found no record)"
