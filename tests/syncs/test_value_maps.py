"""A dropdown mapping whose value map would make records fail is refused when saved,
naming the options still to map; one that can succeed is kept."""

import pytest

from syncapp.crm.properties import create_custom_property
from syncapp.syncs.models import SyncState
from syncapp.syncs.wizard.compat import FieldInfo
from syncapp.syncs.wizard.state import MappingChoice
from syncapp.syncs.wizard.validate import unmapped_options
from tests.syncs.kit import (
    CONFIGURE,
    lead_source_mapping,
    messages_of,
    post_step,
    start,
    text_of,
)

pytestmark = pytest.mark.django_db

OPTIONS = ("Inbound", "Outbound", "Referral", "Event")


def test_a_dropdown_mapping_left_as_it_is_is_refused_naming_every_option(
        admin_client, connection, hub_lead_source):
    sync = start(admin_client, connection)
    before = sync.mappings.count()
    left_as_is = dict.fromkeys(OPTIONS, "")

    response = post_step(admin_client, "mapping_add", sync,
                         lead_source_mapping(connection, **left_as_is))

    assert response.status_code == 400
    page = text_of(response)
    # Pipedrive sends its option ids: Syncapp's dropdown refuses them, and back again
    # Pipedrive's refuses Syncapp's option names.
    assert ("Choose a Syncapp option for “Inbound”, “Outbound”, “Referral”, “Event”: left as "
            "they are, Syncapp's “Lead source” refuses them.") in page
    assert ("No Pipedrive option becomes Syncapp's “Inbound”, “Outbound”, “Referral”, “Event”"
            ) in page
    assert sync.mappings.count() == before
    assert not sync.mappings.filter(hub_property="lead_source").exists()


def test_only_the_options_left_unmapped_are_named(admin_client, connection, hub_lead_source):
    sync = start(admin_client, connection)

    response = post_step(admin_client, "mapping_add", sync,
                         lead_source_mapping(connection, Event=""))

    assert response.status_code == 400
    page = text_of(response)
    assert "Choose a Syncapp option for “Event”: left as they are" in page
    assert "No Pipedrive option becomes Syncapp's “Event”" in page
    assert "“Referral”" not in page.split("Which option becomes which")[0]
    assert not sync.mappings.filter(hub_property="lead_source").exists()


def test_a_value_map_that_covers_every_option_is_kept(admin_client, connection,
                                                     hub_lead_source):
    sync = start(admin_client, connection)

    response = post_step(admin_client, "mapping_add", sync, lead_source_mapping(connection))

    assert "Mapping added" in messages_of(response)
    mapping = sync.mappings.get(hub_property="lead_source")
    assert sorted(mapping.value_map.values()) == sorted(OPTIONS)


def test_a_one_way_sync_asks_only_for_the_options_that_travel_and_save_checks_again(
        admin_client, connection, portal):
    """Syncapp's "Channel" has an option Pipedrive lacks: into Syncapp that is fine, both
    ways it is not (a contact on "Partner" could never be written to Pipedrive)."""
    create_custom_property(portal, "contact", label="Channel", kind="enumeration",
                           options_text="\n".join((*OPTIONS, "Partner")))
    sync = start(admin_client, connection)
    form = {**lead_source_mapping(connection), "hub_property": "channel"}

    refused = post_step(admin_client, "mapping_add", sync, form)
    assert "No Pipedrive option becomes Syncapp's “Partner”" in text_of(refused)

    post_step(admin_client, "configure", sync, {**CONFIGURE, "direction": "to_hub"})
    kept = post_step(admin_client, "mapping_add", sync, form)
    assert "Mapping added" in messages_of(kept)

    post_step(admin_client, "configure", sync, {**CONFIGURE, "direction": "two_way"})
    saved = post_step(admin_client, "save", sync, {})

    assert "No Pipedrive option becomes Syncapp's “Partner”" in messages_of(saved)
    sync.refresh_from_db()
    assert sync.state == SyncState.DRAFT


def dropdown(*options: tuple[str, str]) -> FieldInfo:
    return FieldInfo("source", "Source", "enumeration", options=options)


PIPEDRIVE_LIKE = dropdown(("241", "Inbound"), ("242", "Outbound"))
SAME_VALUES = dropdown(("Inbound", "Inbound"), ("Outbound", "Outbound"))
HUB = dropdown(("Inbound", "Inbound"), ("Outbound", "Outbound"))


@pytest.mark.parametrize(("app", "value_map", "direction", "expected"), [
    # Option ids on the app side: each must be mapped, both ways.
    (PIPEDRIVE_LIKE, {}, "two_way", (["Inbound", "Outbound"], ["Inbound", "Outbound"])),
    (PIPEDRIVE_LIKE, {"241": "Inbound"}, "two_way", (["Outbound"], ["Outbound"])),
    (PIPEDRIVE_LIKE, {"241": "Inbound", "242": "Outbound"}, "two_way", ([], [])),
    # Only the way the sync goes is asked for.
    (PIPEDRIVE_LIKE, {}, "to_hub", (["Inbound", "Outbound"], [])),
    (PIPEDRIVE_LIKE, {}, "to_app", ([], ["Inbound", "Outbound"])),
    # Values both sides accept as they are need no map.
    (SAME_VALUES, {}, "two_way", ([], [])),
    # An app dropdown whose options are unknown is not checked on its side.
    (dropdown(), {}, "two_way", ([], [])),
])
def test_options_sent_as_they_are_must_be_valid_on_the_side_they_reach(
        app, value_map, direction, expected):
    mapping = MappingChoice("source", "source", "two_way", is_default=False,
                            value_map=value_map)
    assert unmapped_options(mapping, app, HUB, direction) == expected
