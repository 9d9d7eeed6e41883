"""Field-level conflict rules (DESIGN.md), as a table: each rule, under each sync winner
and direction, for a field changed on one side, on both, emptied, or newly linked.
Pure: no database."""

import datetime as dt

import pytest

from syncapp.engine.config import (
    APP,
    CONFLICT_RULES,
    DEFAULT,
    FILL_EMPTY,
    HUB,
    MOST_RECENT,
    TO_APP,
    TO_HUB,
    TWO_WAY,
    MappingRule,
    SyncConfig,
)
from syncapp.engine.planner import plan_pair
from syncapp.engine.rules import MISSING, resolve_field

EARLY = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
LATE = EARLY + dt.timedelta(minutes=5)
HUB_LATER, APP_LATER, TIE, UNKNOWN = (LATE, EARLY), (EARLY, LATE), (EARLY, EARLY), (None, LATE)
NO = "no write"  # to that side (None is a write that clears)
WAYS = {TWO_WAY: (True, True), TO_HUB: (True, False), TO_APP: (False, True)}


def outcome(hub, app, last, *, rule, winner=HUB, way=TWO_WAY, modified=(None, None)):
    can_hub, can_app = WAYS[way]
    out = resolve_field(hub, app, last, winner=winner, can_hub=can_hub, can_app=can_app,
                        rule=rule, modified=modified)
    return (NO if out.to_hub is MISSING else out.to_hub,
            NO if out.to_app is MISSING else out.to_app, out.last, out.reason)


# (case, rule, winner, modified, hub, app, last, expected (to_hub, to_app, last))
TWO_WAY_TABLE = [
    # Syncapp wins / the app wins, whatever the sync's winner
    ("hub rule beats app winner", HUB, APP, TIE, "h", "x", "a", (NO, "h", "h")),
    ("app rule beats hub winner", APP, HUB, TIE, "h", "x", "a", ("x", NO, "x")),
    ("hub rule, new pair", HUB, APP, TIE, "h", "x", MISSING, (NO, "h", "h")),
    ("app rule, new pair", APP, HUB, TIE, "h", "x", MISSING, ("x", NO, "x")),
    ("hub rule, emptied winner keeps value", HUB, APP, TIE, None, "x", "a", ("x", NO, "x")),
    ("app rule, emptied winner keeps value", APP, HUB, TIE, "h", None, "a", (NO, "h", "h")),
    ("hub rule, app-only change travels", HUB, HUB, TIE, "a", "x", "a", ("x", NO, "x")),
    ("app rule, hub-only clear travels", APP, APP, TIE, None, "a", "a", (NO, None, None)),
    # most recent change wins
    ("recent: hub later", MOST_RECENT, APP, HUB_LATER, "h", "x", "a", (NO, "h", "h")),
    ("recent: app later", MOST_RECENT, HUB, APP_LATER, "h", "x", "a", ("x", NO, "x")),
    ("recent: tie to hub winner", MOST_RECENT, HUB, TIE, "h", "x", "a", (NO, "h", "h")),
    ("recent: tie to app winner", MOST_RECENT, APP, TIE, "h", "x", "a", ("x", NO, "x")),
    ("recent: unknown time to winner", MOST_RECENT, HUB, UNKNOWN, "h", "x", "a",
     (NO, "h", "h")),
    ("recent: new pair, app later", MOST_RECENT, HUB, APP_LATER, "h", "x", MISSING,
     ("x", NO, "x")),
    ("recent: new pair, empty side filled", MOST_RECENT, HUB, HUB_LATER, None, "x", MISSING,
     ("x", NO, "x")),
    ("recent: emptied later side keeps value", MOST_RECENT, HUB, APP_LATER, "h", None, "a",
     (NO, "h", "h")),
    ("recent: one-side clear travels", MOST_RECENT, HUB, HUB_LATER, "a", None, "a",
     (None, NO, None)),
    ("recent: one-side change travels though older", MOST_RECENT, HUB, HUB_LATER, "a", "x",
     "a", ("x", NO, "x")),
    # only fill empty values
    ("fill: new pair, hub empty filled", FILL_EMPTY, HUB, TIE, None, "x", MISSING,
     ("x", NO, "x")),
    ("fill: new pair, app empty filled", FILL_EMPTY, APP, TIE, "h", None, MISSING,
     (NO, "h", "h")),
    ("fill: new pair, both values kept", FILL_EMPTY, HUB, TIE, "h", "x", MISSING,
     (NO, NO, ["h", "x"])),
    ("fill: app change never overwrites", FILL_EMPTY, APP, TIE, "a", "x", "a",
     (NO, NO, ["a", "x"])),
    ("fill: hub change never overwrites", FILL_EMPTY, HUB, TIE, "h", "a", "a",
     (NO, NO, ["h", "a"])),
    ("fill: both changed, both kept", FILL_EMPTY, HUB, HUB_LATER, "h", "x", "a",
     (NO, NO, ["h", "x"])),
    ("fill: a clear does not travel", FILL_EMPTY, HUB, TIE, "a", None, "a",
     (NO, NO, ["a", None])),
    ("fill: the cleared side is not refilled", FILL_EMPTY, HUB, TIE, "a", None, ["a", None],
     (NO, NO, ["a", None])),
    ("fill: a new value fills an empty side", FILL_EMPTY, APP, TIE, "h", None, [None, None],
     (NO, "h", "h")),
    ("fill: cleared one side, value other", FILL_EMPTY, APP, TIE, None, "x", "a",
     ("x", NO, "x")),
    # the sync's default, as before
    ("default: hub winner", DEFAULT, HUB, APP_LATER, "h", "x", "a", (NO, "h", "h")),
    ("default: app winner", DEFAULT, APP, HUB_LATER, "h", "x", "a", ("x", NO, "x")),
]


@pytest.mark.parametrize(("case", "rule", "winner", "modified", "hub", "app", "last",
                          "expected"), TWO_WAY_TABLE, ids=[row[0] for row in TWO_WAY_TABLE])
def test_field_rule_table_two_way(case, rule, winner, modified, hub, app, last, expected):
    to_hub, to_app, new_last, _ = outcome(hub, app, last, rule=rule, winner=winner,
                                          modified=modified)
    assert (to_hub, to_app, new_last) == expected


@pytest.mark.parametrize("rule", CONFLICT_RULES)
@pytest.mark.parametrize("winner", [HUB, APP])
@pytest.mark.parametrize("way", [TO_HUB, TO_APP])
@pytest.mark.parametrize("modified", [HUB_LATER, APP_LATER])
@pytest.mark.parametrize(("hub", "app", "last"), [
    ("h", "x", "a"), ("h", "x", MISSING), (None, "x", MISSING), ("h", None, MISSING),
    ("a", "x", "a"), ("h", "a", "a"), ("a", None, "a"), (None, "a", "a"), (None, "x", "a"),
])
def test_direction_is_never_overridden_and_no_conflict_empties(rule, winner, way, modified,
                                                                hub, app, last):
    to_hub, to_app, _, _ = outcome(hub, app, last, rule=rule, winner=winner, way=way,
                                   modified=modified)
    assert (to_app if way == TO_HUB else to_hub) == NO
    both_changed = last is MISSING or last not in (hub, app)
    if both_changed:
        # A conflict never resolves to an empty value.
        assert None not in (to_hub, to_app)
    if rule == FILL_EMPTY:  # only an empty side is written, never with an empty value
        assert to_hub == NO or (hub is None and to_hub is not None)
        assert to_app == NO or (app is None and to_app is not None)


def test_one_way_into_app_source_wins_and_fill_empty_keeps_the_apps_value():
    # Syncapp to the app: "Syncapp wins" sends Syncapp's value over the app's edit...
    assert outcome("h", "x", "a", rule=HUB, winner=APP, way=TO_APP)[:2] == (NO, "h")
    # ... "only fill empty values" leaves the app's value, and fills it where empty.
    assert outcome("h", "x", "a", rule=FILL_EMPTY, way=TO_APP)[:3] == (NO, NO, ["h", "x"])
    assert outcome("h", None, MISSING, rule=FILL_EMPTY, way=TO_APP)[:2] == (NO, "h")


@pytest.mark.parametrize(("rule", "modified", "words"), [
    (HUB, TIE, "this field's rule: Syncapp wins"),
    (APP, TIE, "this field's rule: the app wins"),
    (MOST_RECENT, APP_LATER, "this field's rule: the most recent change wins (the app's)"),
    (MOST_RECENT, TIE, "the most recent change wins (a tie, so Syncapp, the sync's default)"),
])
def test_the_reason_names_the_rule_that_decided(rule, modified, words):
    assert words in outcome("h", "x", "a", rule=rule, modified=modified)[3]
    assert words in outcome("h", "x", MISSING, rule=rule, modified=modified)[3]


def test_fill_empty_names_its_rule_and_a_one_side_change_names_the_base_rule():
    assert outcome(None, "x", MISSING, rule=FILL_EMPTY)[3] == (
        "filled from the app (empty in Syncapp); this field's rule: only fill empty values")
    assert outcome("a", "x", "a", rule=MOST_RECENT)[3] == "changed in the app"
    assert outcome("h", "x", "a", rule=DEFAULT)[3] == "changed on both sides; Syncapp wins " \
                                                      "conflicts"


def config(*mappings, winner=HUB):
    return SyncConfig(object_sync_id=1, portal_id=1, hub_object="contact",
                      app_object="contacts", direction=TWO_WAY, winner=winner,
                      mappings=mappings)


def test_plan_pair_applies_each_fields_rule_with_the_records_modification_times():
    cfg = config(MappingRule("phone", "phone", conflict_rule=MOST_RECENT),
                 MappingRule("city", "city", conflict_rule=FILL_EMPTY),
                 MappingRule("title", "jobtitle"))
    last = {"phone": "1", "city": "Porto", "jobtitle": "CEO"}
    hub = {"phone": "2", "city": "Lisbon", "jobtitle": "CTO"}
    app = {"phone": "3", "city": "Braga", "title": "CFO"}
    plan = plan_pair(cfg, hub, app, last, modified=APP_LATER)
    assert plan.hub_writes == {"phone": "3"}  # the app changed last
    assert plan.app_writes == {"title": "CTO"}  # the sync's winner, Syncapp
    assert "city" not in plan.hub_writes and "city" not in plan.app_writes
    assert plan.last["city"] == ["Lisbon", "Braga"]
    assert "most recent" in plan.reasons["phone"]


def test_every_reason_the_engine_writes_has_its_words_in_the_other_language():
    """The history shows the engine's reasons through syncs/rule_words: each one it can
    write is known there, so a pt-BR reader sees it translated."""
    from syncapp.syncs.rule_words import known

    values = ("h", "x", None, "a")
    lasts = (MISSING, "a", None, ["h", "a"], ["a", None])
    missing = set()
    for rule in CONFLICT_RULES:
        for winner in (HUB, APP):
            for way in WAYS:
                for modified in (HUB_LATER, APP_LATER, TIE):
                    for hub in values:
                        for app in values:
                            for last in lasts:
                                reason = outcome(hub, app, last, rule=rule, winner=winner,
                                                 way=way, modified=modified)[3]
                                if reason and not known(reason):
                                    missing.add(reason)
    assert not missing
