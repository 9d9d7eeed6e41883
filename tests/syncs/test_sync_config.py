"""Syncs as code: export a sync set up in the wizard, edit the file, apply it again.

The account is Pipedrive's sandbox, connected the way a person connects it; the
settings are checked by the wizard's own rules and saved by its own services.
"""

import pytest

from syncapp.alerts.services import alert_overrides
from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.integrations.models import Connection, ConnectionStatus
from syncapp.syncs import config
from syncapp.syncs.models import ObjectSync, SyncState
from tests.kits.connect import connect_account
from tests.syncs.kit import CONFIGURE, post_step, snapshot, start

pytestmark = pytest.mark.django_db


def reapply(portal, connection, text: str, fmt: str = "yaml", by=None):
    return config.apply(config.plan(portal, connection, config.load(text, fmt)), by)


# --- round trip ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_delete_apply_reproduces_the_sync_exactly(admin_client, hand_made, portal,
                                                         connection, fmt):
    text = config.dump(config.export_document(hand_made), fmt)
    assert "syncapp_config" in text
    before = snapshot(hand_made)
    hand_made.delete()

    the_plan = config.plan(portal, connection, config.load(text, fmt))
    assert [s.action for s in the_plan.syncs] == [config.CREATE]
    result = config.apply(the_plan)

    (copy,) = result.created
    assert snapshot(copy) == before
    assert copy.state == SyncState.DRAFT  # it starts from the Review step's Save and sync
    assert config.export_document(copy) == config.load(text, fmt)


def test_an_ordered_match_list_exports_as_pairs_and_applies_back_in_its_order(
        hand_made, portal, connection):
    pairs = [{"app_field": "phone", "hub_property": "phone"},
             {"app_field": "email", "hub_property": "email"}]
    doc = _edited(hand_made, lambda d: d["syncs"][0].update(matching="custom",
                                                             match_fields=pairs))

    config.apply(config.plan(portal, connection, doc))

    hand_made.refresh_from_db()
    assert (hand_made.matching, hand_made.match_fields) == (
        "custom", [["phone", "phone"], ["email", "email"]])
    assert config.export_document(hand_made)["syncs"][0]["match_fields"] == pairs


def test_a_file_of_before_the_list_reads_its_one_pair_as_a_list_of_one(
        hand_made, portal, connection):
    def legacy(doc):
        entry = doc["syncs"][0]
        del entry["match_fields"]
        entry.update(matching="custom", match_app_field="phone", match_hub_property="phone")

    config.apply(config.plan(portal, connection, _edited(hand_made, legacy)))

    hand_made.refresh_from_db()
    assert hand_made.match_fields == [["phone", "phone"]]


def test_a_file_applies_to_another_account_of_the_same_app(admin_client, hand_made, portal):
    """Syncs are named by object, not id; the other account's own custom fields differ
    (Pipedrive names them by a hash per account), so the file's Lead source mapping is
    refused there by name, and without it the rest applies."""
    connect_account(admin_client, "pipedrive", "admin@globex.example")
    second = Connection.objects.exclude(pk=hand_made.connection_id).get(portal=portal)
    doc = config.export_document(hand_made)

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
    original, original_poll = snapshot(hand_made)
    assert settings.mappings == [m for m in original.mappings if m.hub_property != "lead_source"]
    assert (settings.winner, settings.filters, poll) == (original.winner, original.filters,
                                                        original_poll)


def test_applying_a_file_twice_changes_nothing_the_second_time(hand_made, portal, connection):
    text = config.dump(config.export_document(hand_made), "yaml").replace(
        "poll_interval_s: 120", "poll_interval_s: 600").replace("winner: app", "winner: hub")
    first = reapply(portal, connection, text)
    assert [s.pk for s in first.updated] == [hand_made.pk]
    entries = AuditEntry.objects.count()
    before = snapshot(hand_made)
    version = ObjectSync.objects.get(pk=hand_made.pk).version

    second = config.plan(portal, connection, config.load(text, "yaml"))

    assert [s.action for s in second.syncs] == [config.UNCHANGED]
    assert not second.changed
    config.apply(second)
    assert AuditEntry.objects.count() == entries
    assert snapshot(hand_made) == before
    assert ObjectSync.objects.get(pk=hand_made.pk).version == version


def test_applying_the_export_unchanged_plans_nothing(hand_made, portal, connection):
    doc = config.load(config.dump(config.export_document(hand_made), "json"), "json")
    assert not config.plan(portal, connection, doc).changed


# --- the diff ------------------------------------------------------------------------


def test_the_diff_names_exactly_the_fields_edited_in_the_file(hand_made, portal, connection):
    doc = config.export_document(hand_made)
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


def test_an_applied_edit_is_audited_like_a_save_in_the_wizard(admin, hand_made, portal,
                                                             connection):
    doc = config.export_document(hand_made)
    doc["syncs"][0]["winner"] = "hub"
    doc["syncs"][0]["poll_interval_s"] = 900

    config.apply(config.plan(portal, connection, doc), by=admin.user)

    hand_made.refresh_from_db()
    assert (hand_made.winner, hand_made.poll_interval_s, hand_made.state) == (
        "hub", 900, SyncState.ON)
    entries = AuditEntry.objects.filter(action=AuditAction.SETTINGS_CHANGED,
                                        object_id=str(hand_made.pk)).order_by("id")
    assert [e.changes for e in entries] == [{"winner": ["app", "hub"]},
                                            {"poll_interval_s": [120, 900]}]
    assert {e.actor for e in entries} == {admin.user}


# --- bad input: refused, the place named, nothing written ------------------------------


def _exported(hand_made) -> str:
    return config.dump(config.export_document(hand_made), "yaml")


def _mapping_index(doc: dict, hub_property: str) -> int:
    return next(i for i, m in enumerate(doc["syncs"][0]["mappings"])
                if m["hub_property"] == hub_property)


def _edited(hand_made, edit) -> dict:
    doc = config.export_document(hand_made)
    edit(doc)
    return doc


BAD_DOCUMENTS = [
    # (what, edit, path, words of the message)
    ("an unknown field", lambda d: d["syncs"][0].update(colour="blue"),
     "syncs[0].colour", "Unknown field “colour”"),
    ("an unknown object", lambda d: d["syncs"][0].update(object="invoices"),
     "syncs[0].object", "Pipedrive has no object “invoices”"),
    ("an unknown mapping field", lambda d: d["syncs"][0]["mappings"][0].update(colour=1),
     "syncs[0].mappings[0].colour", "Unknown field"),
    ("a direction that does not exist", lambda d: d["syncs"][0].update(direction="sideways"),
     "syncs[0].direction", "Choose one of: two_way, to_hub, to_app"),
    ("another format version", lambda d: d.update(syncapp_config=2),
     "syncapp_config", "Unsupported format version 2"),
    ("another app", lambda d: d.update(app="hubspot"), "app", "for the app “hubspot”"),
    ("the same object twice", lambda d: d["syncs"].append(dict(d["syncs"][0])),
     "syncs[1].object", "appears twice"),
    ("a poll interval out of bounds", lambda d: d["syncs"][0].update(poll_interval_s=1),
     "syncs[0].poll_interval_s", "between 30 and 86400 seconds"),
    ("a default mapping left out", lambda d: d["syncs"][0]["mappings"].pop(0),
     "syncs[0].mappings", "Default mappings can't be removed"),
    ("a required mapping turned off", lambda d: d["syncs"][0]["mappings"][
        next(i for i, m in enumerate(d["syncs"][0]["mappings"])
             if m["hub_property"] == "email")].update(enabled=False),
     "syncs[0].mappings[{email}]", "is required by this sync"),
    ("an unknown alert rule", lambda d: d["syncs"][0].update(alerts={"failures": 10}),
     "syncs[0].alerts", "Unknown alert rule: failures"),
    ("a filter value of the wrong kind", lambda d: d["syncs"][0]["filters"][0].update(
        value="someday"), "syncs[0].filters[0].value", "is not an option"),
    ("a match field that cannot identify records", lambda d: d["syncs"][0].update(
        matching="custom", match_fields=[{"app_field": "email", "hub_property": "email"},
                                         {"app_field": "email",
                                          "hub_property": "lifecyclestage"}]),
     "syncs[0].match_fields", "cannot identify a record"),
    ("an empty match list", lambda d: d["syncs"][0].update(matching="custom", match_fields=[]),
     "syncs[0].match_fields", "Choose at least one pair of fields"),
    ("a match pair twice", lambda d: d["syncs"][0].update(
        matching="custom", match_fields=[{"app_field": "phone", "hub_property": "phone"}] * 2),
     "syncs[0].match_fields", "is listed twice"),
    ("a match pair without its property", lambda d: d["syncs"][0].update(
        matching="custom", match_fields=[{"app_field": "phone"}]),
     "syncs[0].match_fields[0].hub_property", "This field is required"),
]


@pytest.mark.parametrize(("what", "edit", "path", "words"), BAD_DOCUMENTS,
                         ids=[row[0] for row in BAD_DOCUMENTS])
def test_a_bad_file_is_refused_naming_the_place_and_nothing_changes(
        hand_made, portal, connection, what, edit, path, words):
    doc = _edited(hand_made, edit)
    before, entries = snapshot(hand_made), AuditEntry.objects.count()

    with pytest.raises(config.ConfigError) as refused:
        config.plan(portal, connection, config.load(config.dump(doc, "json"), "json"))

    if "{email}" in path:
        path = path.format(email=_mapping_index(doc, "email"))
    assert refused.value.path == path
    assert words in refused.value.message
    assert snapshot(hand_made) == before
    assert AuditEntry.objects.count() == entries


def test_a_mapping_the_compatibility_table_forbids_is_refused_with_its_reason(
        hand_made, portal, connection):
    """Pipedrive's Lead source (a dropdown) into Syncapp's date of birth is no pair."""
    doc = config.export_document(hand_made)
    doc["syncs"][0]["mappings"].append({"app_field": doc["syncs"][0]["mappings"][
        _mapping_index(doc, "lead_source")]["app_field"], "hub_property": "date_of_birth"})

    with pytest.raises(config.ConfigError) as refused:
        config.plan(portal, connection, doc)

    assert refused.value.path == f"syncs[0].mappings[{len(doc['syncs'][0]['mappings']) - 1}]"
    assert "dropdown" in refused.value.message


@pytest.mark.parametrize(("text", "fmt", "path", "words"), [
    ("syncs: [unclosed", "yaml", "line 1", "not valid YAML"),
    ('{"syncs": [}', "json", "line 1", "not valid JSON"),
    ("- a list\n- not a mapping\n", "yaml", "", "Expected a mapping"),
    ("syncapp_config: 1\napp: pipedrive\nsyncs:\n- object: persons\n  mappings:\n"
     "  - {app_field: x, hub_property: y, value_map: {yes: Inbound}}\n", "yaml",
     "syncs[0].mappings[0].value_map", "Expected text"),
    ("!!python/object/apply:os.system ['true']", "yaml", "line 1", "not valid YAML"),
    ("x" * (config.MAX_BYTES + 1), "yaml", "", "larger than 256 KB"),
])
def test_malformed_or_huge_text_is_refused_before_anything_is_read(
        hand_made, portal, connection, text, fmt, path, words):
    with pytest.raises(config.ConfigError) as refused:
        config.plan(portal, connection, config.load(text, fmt))
    assert (refused.value.path, words in refused.value.message) == (path, True)


def test_a_file_cannot_reach_another_portals_account(hand_made, other_portal, connection):
    doc = config.export_document(hand_made)
    doc["syncs"][0]["winner"] = "hub"
    with pytest.raises(config.ConfigError, match="not one of this portal's"):
        config.plan(other_portal, connection, doc)
    assert ObjectSync.objects.get(pk=hand_made.pk).winner == "app"


def test_a_plan_made_before_someone_saved_is_refused_whole(admin_client, hand_made, portal,
                                                         connection):
    doc = config.export_document(hand_made)
    doc["syncs"][0]["winner"] = "hub"
    the_plan = config.plan(portal, connection, doc)
    post_step(admin_client, "configure", hand_made, {**CONFIGURE, "winner": "app",
                                                  "direction": "to_hub"})
    post_step(admin_client, "save", hand_made, {})
    hand_made.refresh_from_db()
    assert hand_made.direction == "to_hub"

    with pytest.raises(config.StalePlan):
        config.apply(the_plan)
    hand_made.refresh_from_db()
    assert (hand_made.winner, hand_made.direction) == ("app", "to_hub")


def test_an_account_that_needs_reconnecting_takes_no_changes(hand_made, portal, connection):
    connection.status = ConnectionStatus.NEEDS_RECONNECT
    connection.save(update_fields=["status"])
    doc = config.export_document(hand_made)
    assert not config.plan(portal, connection, doc).changed  # reading it is fine
    doc["syncs"][0]["winner"] = "hub"
    with pytest.raises(config.ConfigError, match="needs reconnecting first"):
        config.plan(portal, connection, doc)


def test_apply_is_all_or_nothing(admin_client, hand_made, portal, connection):
    """The second sync of the file was set up by hand after the plan: the first sync's
    change is rolled back with it."""
    doc = config.export_document(hand_made)
    doc["syncs"][0]["winner"] = "hub"
    doc["syncs"].append({"object": "organizations", "direction": "to_hub"})
    the_plan = config.plan(portal, connection, doc)
    assert [s.action for s in the_plan.syncs] == [config.UPDATE, config.CREATE]
    start(admin_client, connection, "organizations")

    with pytest.raises(config.StalePlan) as stale:
        config.apply(the_plan)

    assert stale.value.path == "syncs[1]"
    assert ObjectSync.objects.get(pk=hand_made.pk).winner == "app"
    assert ObjectSync.objects.get(app_object="organizations").direction == "two_way"


def test_an_account_without_syncs_exports_a_file_that_applies_as_nothing(portal, connection):
    doc = config.load(config.dump(config.export_document([], app="pipedrive"), "yaml"), "yaml")
    assert doc == {"syncapp_config": 1, "app": "pipedrive", "syncs": []}
    assert not config.plan(portal, connection, doc).changed


# --- alert rule overrides ----------------------------------------------------------------


def test_alert_overrides_round_trip_and_a_second_apply_changes_nothing(hand_made, portal,
                                                                      connection):
    doc = config.export_document(hand_made)
    assert doc["syncs"][0]["alerts"] == {}
    doc["syncs"][0]["alerts"] = {"failed_records": {"percent": 5}, "stale": {"enabled": False}}
    text = config.dump(doc, "yaml")
    the_plan = config.plan(portal, connection, config.load(text, "yaml"))
    assert [c.path for c in the_plan.syncs[0].changes] == ["alerts"]
    config.apply(the_plan)
    assert alert_overrides(hand_made) == {"failed_records": {"percent": 5},
                                          "stale": {"enabled": False}}
    assert config.export_document(hand_made)["syncs"][0]["alerts"] == alert_overrides(hand_made)
    again = config.plan(portal, connection, config.load(text, "yaml"))
    assert [s.action for s in again.syncs] == [config.UNCHANGED]


def test_an_unknown_alert_rule_is_refused_naming_it_and_nothing_is_saved(hand_made, portal,
                                                                        connection):
    doc = config.export_document(hand_made)
    doc["syncs"][0]["alerts"] = {"failed_records": {"percent": 5}, "unicorns": {}}
    with pytest.raises(config.ConfigError) as refused:
        config.plan(portal, connection, doc)
    assert refused.value.path == "syncs[0].alerts"
    assert alert_overrides(hand_made) == {}
