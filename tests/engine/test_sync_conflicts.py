"""The conflict winner and the last-synced values (DESIGN "Conflict winner"), and echoes."""

import dataclasses

import pytest

from connectors.pipedrive import PipedriveConnector
from syncapp.crm.models import ChangeLogEntry
from syncapp.crm.services import create_record, update_record
from tests.kits.engine import make_sync, run
from tests.kits.observe import (
    age_hubspot_records,
    app_writes,
    fresh,
    hub_by,
    link_of_hub,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _linked_ann(portal, hubspot, winner: str, app: dict, hub: dict):
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ann@example.com", **app)
    record = create_record(portal, "contact", {"email": "ann@example.com", **hub})
    sync = make_sync(hubspot, "contacts", winner=winner)
    run(hubspot, sync)
    return sync, app_id, record


@pytest.mark.parametrize(("winner", "phone"), [("hub", "999"), ("app", "111")])
def test_first_merge_gives_conflicts_to_the_winner_and_fills_empty_sides(
        portal, hubspot, winner, phone):
    _sync, app_id, record = _linked_ann(portal, hubspot, winner,
                                        app={"phone": "111", "firstname": "Ann"},
                                        hub={"phone": "999", "jobtitle": "CFO"})

    record.refresh_from_db()
    ann = hubspot.get("contacts", app_id)
    assert record.properties["phone"] == ann["phone"] == phone
    # Whoever wins, an empty side is filled from the other.
    assert record.properties["firstname"] == ann["firstname"] == "Ann"
    assert record.properties["jobtitle"] == ann["jobtitle"] == "CFO"


@pytest.mark.parametrize(("winner", "phone"), [("hub", "333"), ("app", "222")])
def test_a_field_changed_on_both_sides_takes_the_winners_value(portal, hubspot, winner, phone):
    sync, app_id, record = _linked_ann(portal, hubspot, winner, app={"phone": "111"},
                                       hub={"phone": "111"})
    hubspot.update("contacts", app_id, phone="222", city="Lisbon")
    update_record(record, {"phone": "333", "jobtitle": "CFO"})

    run(hubspot, sync)

    record.refresh_from_db()
    ann = hubspot.get("contacts", app_id)
    assert record.properties["phone"] == ann["phone"] == phone
    # Fields changed on one side only are not conflicts: each flows over.
    assert record.properties["city"] == ann["city"] == "Lisbon"
    assert record.properties["jobtitle"] == ann["jobtitle"] == "CFO"


@pytest.mark.parametrize("winner", ["hub", "app"])
def test_a_winner_emptied_on_its_side_never_wipes_the_other_sides_new_value(
        portal, hubspot, winner):
    sync, app_id, record = _linked_ann(portal, hubspot, winner, app={"jobtitle": "CFO"},
                                       hub={})
    # The winner clears the field while the loser changes it.
    if winner == "hub":
        update_record(record, {"jobtitle": None})
        hubspot.update("contacts", app_id, jobtitle="CEO")
    else:
        hubspot.update("contacts", app_id, jobtitle=None)
        update_record(record, {"jobtitle": "CEO"})

    run(hubspot, sync)

    record.refresh_from_db()
    assert record.properties.get("jobtitle") == hubspot.get("contacts", app_id)["jobtitle"] == (
        "CEO")


def test_a_change_on_one_side_flows_to_the_other_clearing_included(portal, hubspot):
    sync, app_id, record = _linked_ann(portal, hubspot, "hub",
                                       app={"phone": "111", "city": "Porto"},
                                       hub={"jobtitle": "CFO", "lastname": "Lee"})

    hubspot.update("contacts", app_id, phone="222", city=None)
    update_record(record, {"jobtitle": "CEO", "lastname": None})
    run(hubspot, sync)

    record.refresh_from_db()
    ann = hubspot.get("contacts", app_id)
    assert record.properties["phone"] == ann["phone"] == "222"
    assert record.properties["jobtitle"] == ann["jobtitle"] == "CEO"
    assert "city" not in record.properties
    assert ann["city"] is None
    assert "lastname" not in record.properties
    assert ann["lastname"] is None


def test_a_two_way_sync_left_alone_writes_nothing_on_either_side(portal, hubspot):
    fresh(hubspot, "companies")
    # Values each side spells its own way, fields only one side may write, and
    # records created on both sides: none of it may bounce back.
    acme = hubspot.create("companies", name="Acme", domain="acme.example",
                          annualrevenue="1000.50", numberofemployees="012")
    hubspot.create("companies", name="Initech", description="  padded  ")
    create_record(portal, "company", {"name": "ACME", "city": "Lisbon", "phone": "111"})
    create_record(portal, "company", {"name": "Umbrella", "annualrevenue": "2.000"})
    sync = make_sync(hubspot, "companies", winner="app")
    run(hubspot, sync)
    hubspot.update("companies", acme, phone="222")
    run(hubspot, sync)
    assert hub_by(portal, "company", domain="acme.example").properties["phone"] == "222"

    app_before, hub_before = len(app_writes(hubspot)), ChangeLogEntry.objects.count()
    run(hubspot, sync)  # re-reads the connector's overlap window: every record again
    age_hubspot_records(hubspot, "companies")
    run(hubspot, sync)

    assert len(app_writes(hubspot)) == app_before
    assert ChangeLogEntry.objects.count() == hub_before
    umbrella = link_of_hub(sync, hub_by(portal, "company", name="Umbrella"))
    assert hubspot.get("companies", umbrella.app_id)["annualrevenue"] == "2"


@pytest.mark.parametrize("winner", ["hub", "app"])
def test_a_value_the_hub_tidies_up_does_not_bounce_back_to_the_app(portal, pipedrive, winner):
    fresh(pipedrive, "persons")
    person = pipedrive.create("persons", name="Ann Lee", email="ann@example.com")
    sync = make_sync(pipedrive, "persons", winner=winner)
    run(pipedrive, sync)

    # Pipedrive keeps surrounding spaces; the hub trims them.
    pipedrive.update("persons", person, job_title="  Head of Sales ")
    run(pipedrive, sync)
    assert hub_by(portal, "contact", email="ann@example.com").properties["jobtitle"] == (
        "Head of Sales")
    app_before, hub_before = len(app_writes(pipedrive)), ChangeLogEntry.objects.count()
    run(pipedrive, sync)

    assert len(app_writes(pipedrive)) == app_before
    assert ChangeLogEntry.objects.count() == hub_before
    assert pipedrive.get("persons", person)["job_title"] == "  Head of Sales "


def test_a_value_the_app_reshapes_does_not_bounce_back_to_the_hub(portal, pipedrive):
    fresh(pipedrive, "persons")
    bob = create_record(portal, "contact", {"email": "bob@example.com", "firstname": "Bob",
                                            "lastname": "Ray"})
    sync = make_sync(pipedrive, "persons", winner="app")
    run(pipedrive, sync)

    # Pipedrive keeps one name and splits it again at the first space.
    update_record(bob, {"firstname": "Bobby Joe"})
    run(pipedrive, sync)
    person = pipedrive.get("persons", link_of_hub(sync, bob).app_id)
    assert (person["name"], person["first_name"]) == ("Bobby Joe Ray", "Bobby")
    app_before, hub_before = len(app_writes(pipedrive)), ChangeLogEntry.objects.count()
    run(pipedrive, sync)

    bob.refresh_from_db()
    assert (bob.properties["firstname"], bob.properties["lastname"]) == ("Bobby Joe", "Ray")
    assert len(app_writes(pipedrive)) == app_before
    assert ChangeLogEntry.objects.count() == hub_before


class _BusyPipedrive(PipedriveConnector):
    """Pipedrive where someone edits a person between the engine's read and its write."""

    edits: list = []

    def update(self, object_name, items):
        while self.edits:
            app_id, values = self.edits.pop()
            super().update(object_name, [(app_id, values)])
        return super().update(object_name, items)


def test_an_app_edit_made_while_the_sync_writes_that_record_still_reaches_the_hub(
        portal, pipedrive, monkeypatch):
    monkeypatch.setattr(_BusyPipedrive, "edits", [])
    busy = dataclasses.replace(pipedrive, cls=_BusyPipedrive)
    fresh(busy, "persons")
    person = busy.create("persons", name="Ann Lee", email="ann@example.com", phone="111")
    sync = make_sync(busy, "persons")
    run(busy, sync)
    ann = hub_by(portal, "contact", email="ann@example.com")

    update_record(ann, {"jobtitle": "CFO"})
    _BusyPipedrive.edits.append((person, {"phone": "222"}))
    run(busy, sync)
    run(busy, sync)

    ann.refresh_from_db()
    assert (ann.properties["jobtitle"], ann.properties["phone"]) == ("CFO", "222")
    assert busy.get("persons", person)["job_title"] == "CFO"
