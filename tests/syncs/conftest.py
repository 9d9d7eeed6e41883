"""Fixtures of the sync setup wizard's tests: a Pipedrive account connected the way a
person connects it (OAuth consent on the sandbox served by the live server)."""

import pytest

from syncapp.crm.properties import create_custom_property
from syncapp.syncs import tasks
from syncapp.syncs.wizard import preview_worker, services, state
from syncapp.syncs.wizard.state import FilterChoice

# A Pipedrive account connected through the real install flow.
from tests.kits.pipedrive import connection, live_pipedrive  # noqa: F401
from tests.syncs.kit import CONFIGURE, lead_source_mapping, messages_of, post_step, start


@pytest.fixture
def hub_lead_source(portal):
    """Syncapp's own “Lead source” dropdown, with the options Pipedrive's has."""
    return create_custom_property(portal, "contact", label="Lead source", kind="enumeration",
                                  options_text="Inbound\nOutbound\nReferral\nEvent")


@pytest.fixture(autouse=True)
def enqueued(monkeypatch) -> list[int]:
    """Object syncs whose run was enqueued; dry runs are computed at once, as a worker
    would. These tests run with a live server, hence in autocommit (on_commit fires at
    once), and the shared broker must not receive tasks another test run's worker
    could take."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.run_sync, "delay", sent.append)
    monkeypatch.setattr(tasks.dry_run, "delay", preview_worker.run_and_store)
    return sent


@pytest.fixture
def hand_made(admin_client, connection, hub_lead_source):  # noqa: F811 - the fixture above
    """A contacts sync set up by hand in the wizard and saved: the app wins, phone is off,
    Lead source maps option by option, only Syncapp leads go to Pipedrive."""
    sync = start(admin_client, connection)
    post_step(admin_client, "configure", sync, {**CONFIGURE, "winner": "app"})
    assert "Mapping added" in messages_of(
        post_step(admin_client, "mapping_add", sync, lead_source_mapping(connection)))
    sync.refresh_from_db()
    services.commit(sync, state.token(sync), lambda s: s.with_filters(
        "hub", [FilterChoice("hub", "lifecyclestage", "is", "lead")]),
        services.catalogs_for(sync), filters=True)
    sync.refresh_from_db()
    enabled = [m.key for m in state.from_rows(sync).mappings if m.hub_property != "phone"]
    post_step(admin_client, "mappings", sync, {"enabled": enabled, "toggles": "1"})
    response = post_step(admin_client, "save", sync, {})
    assert "The initial sync has started" in messages_of(response)
    sync.refresh_from_db()
    return sync
