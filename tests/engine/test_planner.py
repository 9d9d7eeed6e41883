"""Planning a pair: mappings, value maps, directions, the default lifecycle stage."""

from syncapp.engine.config import APP, HUB, TO_APP, TO_HUB, TWO_WAY, MappingRule, SyncConfig
from syncapp.engine.planner import app_values_from_hub, hub_values_from_app, plan_pair


def config(**overrides) -> SyncConfig:
    base = {
        "object_sync_id": 1, "portal_id": 1, "hub_object": "contact", "app_object": "persons",
        "direction": TWO_WAY, "winner": HUB,
        "mappings": (
            MappingRule("email", "email"),
            MappingRule("phone", "phone"),
            MappingRule("stage", "lifecyclestage", value_map=(("L", "lead"), ("C", "customer"))),
            MappingRule("owner", "jobtitle", direction=TO_HUB),
        ),
    }
    base.update(overrides)
    return SyncConfig(**base)


def test_matched_pair_merges_by_winner_and_fills_blanks():
    plan = plan_pair(config(winner=APP), {"email": "a@x.io", "phone": "1"},
                     {"email": "a@x.io", "phone": "2", "stage": "C"}, None)
    assert plan.hub_writes == {"phone": "2", "lifecyclestage": "customer"}
    assert plan.app_writes == {}
    assert plan.last["phone"] == "2"


def test_value_map_translates_both_ways():
    plan = plan_pair(config(), {"lifecyclestage": "lead"}, {"stage": None}, None)
    assert plan.app_writes == {"stage": "L"}


def test_read_only_mapping_syncs_one_way():
    plan = plan_pair(config(), {"jobtitle": "CEO"}, {"owner": None}, None)
    assert "owner" not in plan.app_writes
    plan = plan_pair(config(), {"jobtitle": None}, {"owner": "Ann"}, None)
    assert plan.hub_writes["jobtitle"] == "Ann"


def test_unchanged_pair_writes_nothing():
    hub, app = {"email": "a@x.io", "phone": "1"}, {"email": "a@x.io", "phone": "1"}
    first = plan_pair(config(), hub, app, None)
    again = plan_pair(config(), hub, app, first.last)
    assert not again.writes_anything


def test_default_lifecycle_stage_only_for_contacts_without_one():
    cfg = config(default_lifecycle_stage="subscriber",
                 mappings=(MappingRule("email", "email"),))
    assert plan_pair(cfg, {}, {"email": "a@x.io"}, None).hub_writes["lifecyclestage"] == (
        "subscriber")
    assert "lifecyclestage" not in plan_pair(cfg, {"lifecyclestage": "customer"},
                                             {"email": "a@x.io"}, None).hub_writes
    assert "lifecyclestage" not in plan_pair(config(default_lifecycle_stage="lead",
                                                    direction=TO_APP), {}, {}, None).hub_writes


def test_create_values_respect_direction_per_mapping():
    assert hub_values_from_app(config(), {"email": "a@x.io", "owner": "Ann", "stage": "L"}) == {
        "email": "a@x.io", "jobtitle": "Ann", "lifecyclestage": "lead"}
    assert app_values_from_hub(config(), {"email": "a@x.io", "jobtitle": "CEO"}) == {
        "email": "a@x.io"}


def test_date_and_datetime_pairs_convert_and_settle():
    cfg = config(mappings=(MappingRule("due", "closedate", conversion="datetime>date"),
                           MappingRule("day", "hs_timestamp", conversion="date>datetime")))
    plan = plan_pair(cfg, {"hs_timestamp": "2024-03-01T15:30:00Z"},
                     {"due": "2024-05-02T09:00:00Z"}, None)
    assert plan.hub_writes == {"closedate": "2024-05-02"}
    assert plan.app_writes == {"day": "2024-03-01"}
    settled = plan_pair(cfg, {"closedate": "2024-05-02", "hs_timestamp": "2024-03-01T15:30:00Z"},
                        {"due": "2024-05-02T09:00:00Z", "day": "2024-03-01"}, plan.last)
    assert not settled.writes_anything
