"""DESIGN.md's conflict rules, field by field, as a table (pure: no database)."""

import pytest

from syncapp.engine.config import APP, HUB
from syncapp.engine.rules import MISSING, resolve_field

W = "write"


def run(hub, app, last, winner=HUB, can_hub=True, can_app=True):
    out = resolve_field(hub, app, last, winner=winner, can_hub=can_hub, can_app=can_app)
    return (
        None if out.to_hub is MISSING else out.to_hub,
        None if out.to_app is MISSING else out.to_app,
        out.last,
    )


@pytest.mark.parametrize(
    ("case", "hub", "app", "last", "winner", "expected"),
    [
        # changed on one side only -> goes to the other side, clearing included
        ("app edit flows to hub", "a", "b", "a", HUB, ("b", None, "b")),
        ("hub edit flows to app", "b", "a", "a", APP, (None, "b", "b")),
        ("app clear flows to hub", "a", None, "a", HUB, (None, None, None)),
        ("hub clear flows to app", None, "a", "a", APP, (None, None, None)),
        # changed on both sides to different values -> winner's value
        ("both changed, hub wins", "h", "x", "a", HUB, (None, "h", "h")),
        ("both changed, app wins", "h", "x", "a", APP, ("x", None, "x")),
        ("both changed to the same value", "z", "z", "a", HUB, (None, None, "z")),
        # ... except that an empty winner never overwrites a non-empty value
        ("empty winner hub keeps app value", None, "x", "a", HUB, ("x", None, "x")),
        ("empty winner app keeps hub value", "h", None, "a", APP, (None, "h", "h")),
        # nothing changed -> nothing written
        ("unchanged", "a", "a", "a", HUB, (None, None, "a")),
        # newly linked pair: merge
        ("new pair, both differ, hub wins", "h", "x", MISSING, HUB, (None, "h", "h")),
        ("new pair, both differ, app wins", "h", "x", MISSING, APP, ("x", None, "x")),
        ("new pair, hub empty is filled", None, "x", MISSING, HUB, ("x", None, "x")),
        ("new pair, app empty is filled", "h", None, MISSING, APP, (None, "h", "h")),
        ("new pair, equal", "a", "a", MISSING, APP, (None, None, "a")),
        ("new pair, both empty", None, None, MISSING, HUB, (None, None, None)),
    ],
)
def test_conflict_rules(case, hub, app, last, winner, expected):
    to_hub, to_app, new_last = run(hub, app, last, winner)
    # a cleared value is a write of None: tell "write None" from "no write"
    out = resolve_field(hub, app, last, winner=winner, can_hub=True, can_app=True)
    if case.endswith("clear flows to hub"):
        assert out.to_hub is None
    elif case.endswith("clear flows to app"):
        assert out.to_app is None
    assert (to_hub, to_app, new_last) == expected, case


def test_direction_is_never_overridden_by_the_winner():
    # to_hub only: the hub wins, but the app may not be written
    out = resolve_field("h", "x", MISSING, winner=HUB, can_hub=True, can_app=False)
    assert out.to_app is MISSING
    assert out.to_hub is MISSING
    assert out.last == ["h", "x"]


def test_one_way_pair_remembers_both_sides_and_follows_later_source_changes():
    # to_hub: they differ after linking; a later app change still flows to the hub
    out = resolve_field("h", "y", ["h", "x"], winner=HUB, can_hub=True, can_app=False)
    assert out.to_hub == "y"
    assert out.last == "y"
    # ... and a hub-only change goes nowhere, and is remembered
    out = resolve_field("h2", "x", ["h", "x"], winner=HUB, can_hub=True, can_app=False)
    assert (out.to_hub, out.to_app, out.last) == (MISSING, MISSING, ["h2", "x"])


def test_new_pair_fill_only_where_direction_allows():
    out = resolve_field(None, "x", MISSING, winner=APP, can_hub=False, can_app=True)
    assert out.to_hub is MISSING
    assert out.last == [None, "x"]
