"""The field-mapping rules: which app field type pairs with which hub property type."""

import pytest

from syncapp.syncs.wizard.compat import TO_APP, TO_HUB, TWO_WAY, FieldInfo, pair_rule

REFUSED = None


def field(kind: str, **extra) -> FieldInfo:
    return FieldInfo(name=kind, label=kind.title(), type=kind, **extra)


@pytest.mark.parametrize(("app_type", "hub_type", "direction"), [
    # both ways
    ("text", "text", TWO_WAY),
    ("textarea", "text", TWO_WAY),
    ("email", "email", TWO_WAY),
    ("phone", "text", TWO_WAY),
    ("url", "url", TWO_WAY),
    ("number", "number", TWO_WAY),
    ("date", "date", TWO_WAY),
    ("datetime", "datetime", TWO_WAY),
    ("date", "datetime", TWO_WAY),
    ("datetime", "date", TWO_WAY),
    ("boolean", "boolean", TWO_WAY),
    ("radio", "radio", TWO_WAY),
    ("enumeration", "enumeration", TWO_WAY),
    # one way into a hub text property
    ("number", "text", TO_HUB),
    ("date", "text", TO_HUB),
    ("datetime", "text", TO_HUB),
    ("boolean", "text", TO_HUB),
    ("owner", "text", TO_HUB),
    # one way into an app text field
    ("text", "number", TO_APP),
    ("text", "date", TO_APP),
    ("text", "datetime", TO_APP),
    ("text", "boolean", TO_APP),
    ("text", "multi_enumeration", TO_APP),
    ("text", "calculation", TO_APP),
    ("text", "score", TO_APP),
    # everything else is refused
    ("date", "boolean", REFUSED),
    ("number", "date", REFUSED),
    ("boolean", "number", REFUSED),
    ("enumeration", "text", REFUSED),
    ("text", "enumeration", REFUSED),
    ("enumeration", "radio", REFUSED),
    ("radio", "enumeration", REFUSED),
    ("multi_enumeration", "multi_enumeration", REFUSED),
    ("multi_enumeration", "text", REFUSED),
    ("owner", "owner", REFUSED),
    ("owner", "number", REFUSED),
    ("reference", "text", REFUSED),
    ("number", "calculation", REFUSED),
])
def test_compatibility_table(app_type, hub_type, direction):
    rule = pair_rule(field(app_type), field(hub_type), "Pipedrive")
    assert rule.direction == direction, rule.reason
    assert rule.reason  # every verdict says why


def test_a_refusal_names_what_the_field_pairs_with():
    rule = pair_rule(field("date"), field("boolean"), "Pipedrive")
    assert "can't be mapped to a single checkbox" in rule.reason
    assert "date and time" in rule.reason
    assert "text" in rule.reason


def test_dropdowns_need_an_option_by_option_value_map():
    assert pair_rule(field("enumeration"), field("enumeration")).needs_value_map
    assert not pair_rule(field("text"), field("text")).needs_value_map


@pytest.mark.parametrize(("app", "hub", "direction"), [
    (field("text", read_only=True), field("text"), TO_HUB),
    (field("date", read_only=True), field("datetime"), TO_HUB),
    (field("text"), field("calculation"), TO_APP),
    (field("text", read_only=True), field("number"), REFUSED),  # only into the app, read-only
    (field("number"), field("text", read_only=True), REFUSED),  # only into the hub, read-only
    (field("text", read_only=True), field("text", read_only=True), REFUSED),
])
def test_a_read_only_side_syncs_one_way_from_itself(app, hub, direction):
    rule = pair_rule(app, hub, "Pipedrive")
    assert rule.direction == direction, rule.reason
    if direction == TO_HUB and pair_rule(field(app.type), field(hub.type)).direction == TWO_WAY:
        assert rule.forced
        assert "read-only in Pipedrive" in rule.reason
