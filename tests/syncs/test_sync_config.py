"""Syncs as code: export a sync set up in the wizard, edit the file, apply it again.

The account is Pipedrive's sandbox, connected the way a person connects it; the
settings are checked by the wizard's own rules and saved by its own services.
"""

import pytest

from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.integrations.models import Connection
from syncapp.syncs import config
from syncapp.syncs.models import ObjectSync, SyncState
from syncapp.syncs.wizard import services, state
from syncapp.syncs.wizard.state import FilterChoice
from tests.integration_kit import connect_account
from tests.syncs.kit import CONFIGURE, lead_source_mapping, messages_of, post_step, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved(admin_client, connection, hub_lead_source):
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


def snapshot(sync: ObjectSync) -> tuple:
    """What a person set up: the settings and how often it runs."""
    sync = ObjectSync.objects.get(pk=sync.pk)
    return state.from_rows(sync), sync.poll_interval_s


def reapply(portal, connection, text: str, fmt: str = "yaml", by=None):
    return config.apply(config.plan(portal, connection, config.load(text, fmt)), by)


# --- round trip ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_delete_apply_reproduces_the_sync_exactly(admin_client, saved, portal,
                                                         connection, fmt):
    text = config.dump(config.export_document(saved), fmt)
    assert "syncapp_config" in text
    before = snapshot(saved)
    saved.delete()

    the_plan = config.plan(portal, connection, config.load(text, fmt))
    assert [s.action for s in the_plan.syncs] == [config.CREATE]
    result = config.apply(the_plan)

    (copy,) = result.created
    assert snapshot(copy) == before
    assert copy.state == SyncState.DRAFT  # it starts from the Review step's Save and sync
    assert config.export_document(copy) == config.load(text, fmt)


def test_a_file_applies_to_another_account_of_the_same_app(admin_client, saved, portal):
    """Syncs are named by object, not id; the other account's own custom fields differ
    (Pipedrive names them by a hash per account), so the file's Lead source mapping is
    refused there by name, and without it the rest applies."""
    connect_account(admin_client, "pipedrive", "admin@globex.example")
    second = Connection.objects.exclude(pk=saved.connection_id).get(portal=portal)
    doc = config.export_document(saved)

    with pytest.raises(config.ConfigError) as refused:
        config.plan(portal, second, doc)
    index = next(i for i, m in enumerate(doc["syncs"][0]["mappings"])
                 if m["hub_property"] == "lead_source")
    assert refused.value.path == f"syncs[0].mappings[{index}]"
    assert "no longer exists" in refused.value.message
    assert not ObjectSync.objects.filter(connection=second).exists()

    del doc["syncs"][0]["mappings"][index]
    (copy,) = config.apply(config.plan(portal, second, doc)).created
    settings, poll = snapshot(copy)
    original, original_poll = snapshot(saved)
    assert settings.mappings == [m for m in original.mappings if m.hub_property != "lead_source"]
    assert (settings.winner, settings.filters, poll) == (original.winner, original.filters,
                                                        original_poll)


def test_applying_a_file_twice_changes_nothing_the_second_time(saved, portal, connection):
    text = config.dump(config.export_document(saved), "yaml").replace(
        "poll_interval_s: 120", "poll_interval_s: 600").replace("winner: app", "winner: hub")
    first = reapply(portal, connection, text)
    assert [s.pk for s in first.updated] == [saved.pk]
    entries = AuditEntry.objects.count()
    before = snapshot(saved)
    version = ObjectSync.objects.get(pk=saved.pk).version

    second = config.plan(portal, connection, config.load(text, "yaml"))

    assert [s.action for s in second.syncs] == [config.UNCHANGED]
    assert not second.changed
    config.apply(second)
    assert AuditEntry.objects.count() == entries
    assert snapshot(saved) == before
    assert ObjectSync.objects.get(pk=saved.pk).version == version


def test_applying_the_export_unchanged_plans_nothing(saved, portal, connection):
    doc = config.load(config.dump(config.export_document(saved), "json"), "json")
    assert not config.plan(portal, connection, doc).changed


# --- the diff ------------------------------------------------------------------------


def test_the_diff_names_exactly_the_fields_edited_in_the_file(saved, portal, connection):
    doc = config.export_document(saved)
    entry = doc["syncs"][0]
    entry["direction"] = "to_hub"
    entry["poll_interval_s"] = 300
    phone = next(m for m in entry["mappings"] if m["hub_property"] == "phone")
    phone["enabled"] = True
    entry["filters"] = []

    the_plan = config.plan(portal, connection, doc)

    (sync_plan,) = the_plan.syncs
    assert sync_plan.action == config.UPDATE
    assert {c.path for c in sync_plan.changes} == {
        "direction", "poll_interval_s", f"mappings[{phone['app_field']}|phone].enabled",
        "filters.hub"}


def test_an_applied_edit_is_audited_like_a_save_in_the_wizard(admin, saved, portal,
                                                             connection):
    doc = config.export_document(saved)
    doc["syncs"][0]["winner"] = "hub"
    doc["syncs"][0]["poll_interval_s"] = 900

    config.apply(config.plan(portal, connection, doc), by=admin.user)

    saved.refresh_from_db()
    assert (saved.winner, saved.poll_interval_s, saved.state) == ("hub", 900, SyncState.ON)
    entries = AuditEntry.objects.filter(action=AuditAction.SETTINGS_CHANGED,
                                        object_id=str(saved.pk)).order_by("id")
    assert [e.changes for e in entries] == [{"winner": ["app", "hub"]},
                                            {"poll_interval_s": [120, 900]}]
    assert {e.actor for e in entries} == {admin.user}
