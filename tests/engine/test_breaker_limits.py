"""The breaker's arithmetic (engine/breaker.py), without a database: which plans trip."""

import pytest

from syncapp.engine.breaker import Thresholds, Volume, could_trip, limits, tripped

DEFAULTS = Thresholds()


@pytest.mark.parametrize(("linked", "changed"), [
    (10, 25),          # a small sync: never under the minimum of 25
    (1_000, 200),      # 20% of a thousand
    (100_000, 1_000),  # 20% would be 20,000: the count is smaller
])
def test_the_changed_limit_is_the_smaller_of_share_and_count_but_never_under_the_minimum(
        linked, changed):
    assert limits(DEFAULTS, linked).changed == changed


@pytest.mark.parametrize(("planned", "recent", "linked", "kinds"), [
    (Volume(changed=3), Volume(), 10, []),  # 3 edits of a 10-record sync pass
    (Volume(changed=201), Volume(), 1_000, ["changed"]),
    (Volume(changed=100), Volume(changed=101), 1_000, ["changed"]),  # a trickle
    (Volume(), Volume(changed=5_000), 1_000, []),  # a quiet run after a busy hour
    (Volume(created_app=101), Volume(), 1_000, ["created_app"]),
    (Volume(created_hub=100), Volume(), 1_000, []),
    (Volume(deleted=900), Volume(), 1_000, ["deleted"]),  # "most records gone"
    (Volume(changed=300, deleted=300), Volume(), 1_000, ["changed", "deleted"]),
])
def test_which_plans_trip(planned, recent, linked, kinds):
    assert tripped(planned, recent, linked, DEFAULTS) == kinds


def test_a_run_that_read_too_little_cannot_trip_and_skips_planning_ahead():
    assert not could_trip(0, Volume(changed=10_000), 1_000, DEFAULTS)
    assert not could_trip(25, Volume(), 10, DEFAULTS)
    assert could_trip(26, Volume(), 10, DEFAULTS)
    assert could_trip(5, Volume(changed=196), 1_000, DEFAULTS)


def test_a_volume_travels_in_a_runs_counts():
    volume = Volume(changed=4, created_hub=1, created_app=2, deleted=3)
    assert Volume.from_counts({"read": 9, **volume.as_counts()}) == volume
    assert Volume.from_counts({}) == Volume()
