"""The bench's own checks (bench/checks.py) say yes to a right sync and no to a wrong one.

A tiny data set runs through the real engine, as `python -m bench` runs a large one;
nothing here is timed (only the bench measures speed).
"""

import pytest

from bench import checks
from bench.data import DataSet
from bench.database import copy_hub_records
from bench.engine import EngineBench
from syncapp.crm.models import Record

pytestmark = pytest.mark.django_db(transaction=True)

N = 40  # 20 matching persons (10 conflicting), 20 on each side alone


@pytest.fixture
def synced(portal) -> EngineBench:
    data = DataSet(N)
    copy_hub_records(portal.pk, "contact", (data.hub(i) for i in range(N)))
    engine = EngineBench(portal, data, batch=25)
    engine.initial()
    return engine


def _failed_names(engine: EngineBench) -> set[str]:
    found = checks.after_initial(engine.sync, engine.store, engine.data)
    return {check.name for check in found if not check.ok}


def test_a_right_two_way_sync_passes_every_check(synced):
    assert _failed_names(synced) == set()
    assert synced.data.expected_links == 60


def test_one_app_field_left_different_fails_the_pairs_check(synced):
    number = N // 4 + 1  # a matching pair that had no conflict
    values = synced.store.values(number)
    values["city"] = "Elsewhere"
    synced.store.write(number, values)

    assert _failed_names(synced) == {"pairs_unequal"}


def test_a_conflict_the_app_won_fails_the_conflicts_check(synced):
    """Both sides equal, but holding the app's value: the hub must win conflicts."""
    values = synced.store.values(1)  # app record 1 is hub contact 0, a conflicting pair
    values["firstname"] = "Anne0"
    synced.store.write(1, values)
    record = Record.objects.get(portal=synced.portal, email_key="person0@example.com")
    Record.objects.filter(pk=record.pk).update(
        properties={**record.properties, "firstname": "Anne0"})

    assert _failed_names(synced) == {"conflicts_resolved"}


def test_an_empty_value_and_a_missing_one_are_equal():
    mapped = [("city", "city"), ("phone", "phone")]
    assert checks.unequal_fields(mapped, {"city": "Graz"}, {"city": "Graz", "phone": ""}) == []
    assert checks.unequal_fields(mapped, {"city": "Graz"}, {"city": "Lyon"}) == ["city"]
