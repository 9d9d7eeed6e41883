"""Field-level conflict rules in syncs as code: exported with each mapping, applied back
(a diff of their own), and a bad rule refused naming its place, in a file or over the
REST API, with nothing changed."""

import json

import pytest
from django.test import Client

from syncapp.api.keys import create_key
from syncapp.api.models import Scope
from syncapp.syncs import config
from syncapp.syncs.models import FieldMapping
from tests.syncs.kit import snapshot

pytestmark = pytest.mark.django_db


def mapping_of(doc, hub_property: str = "phone") -> tuple[int, dict]:
    return next((i, m) for i, m in enumerate(doc["syncs"][0]["mappings"])
                if m["hub_property"] == hub_property)


def test_the_export_writes_each_rule_and_an_edited_rule_applies(hand_made, portal,
                                                                 connection):
    doc = config.export_document(hand_made)
    assert {m["conflict_rule"] for m in doc["syncs"][0]["mappings"]} == {"default"}
    _, phone = mapping_of(doc)
    phone["conflict_rule"] = "fill_empty"

    the_plan = config.plan(portal, connection, config.load(config.dump(doc, "yaml"), "yaml"))
    (sync_plan,) = the_plan.syncs
    assert {c.path for c in sync_plan.changes} == {
        f"mappings[{phone['app_field']}|phone].conflict_rule"}
    config.apply(the_plan)

    assert FieldMapping.objects.get(object_sync=hand_made, hub_property="phone").conflict_rule \
        == "fill_empty"
    again = config.export_document(hand_made)
    assert mapping_of(again)[1]["conflict_rule"] == "fill_empty"
    assert not config.plan(portal, connection, again).changed


def test_a_rule_left_out_is_the_syncs_default(hand_made, portal, connection):
    FieldMapping.objects.filter(object_sync=hand_made, hub_property="phone").update(
        conflict_rule="hub")
    doc = config.export_document(hand_made)
    del mapping_of(doc)[1]["conflict_rule"]

    config.apply(config.plan(portal, connection, doc))

    assert FieldMapping.objects.get(object_sync=hand_made, hub_property="phone").conflict_rule \
        == ""


@pytest.mark.parametrize(("edit", "where", "words"), [
    (lambda doc, mapping: mapping.update(conflict_rule="loudest"), ".conflict_rule",
     "Choose one of: default, hub, app, most_recent, fill_empty"),
    (lambda doc, mapping: mapping.update(conflict_rule=["hub"]), ".conflict_rule",
     "Choose one of"),
    # Syncapp to Pipedrive only: Pipedrive's last name never travels, so it cannot win.
    (lambda doc, mapping: (doc["syncs"][0].update(direction="to_app"),
                         mapping.update(conflict_rule="app")), "",
     "syncs one way, from Syncapp into Pipedrive"),
    (lambda doc, mapping: (doc["syncs"][0].update(direction="to_hub"),
                         mapping.update(conflict_rule="most_recent")), "",
     "“Most recent change wins” could only stop changes made in Pipedrive"),
])
def test_a_bad_rule_in_a_file_is_refused_naming_its_place(hand_made, portal, connection,
                                                          edit, where, words):
    doc = config.export_document(hand_made)
    index, mapping = mapping_of(doc, "lastname")  # a mapping that is on (the phone is off)
    edit(doc, mapping)
    before = snapshot(hand_made)

    with pytest.raises(config.ConfigError) as refused:
        config.plan(portal, connection, config.load(config.dump(doc, "json"), "json"))

    assert refused.value.path == f"syncs[0].mappings[{index}]{where}"
    assert words in refused.value.message
    assert snapshot(hand_made) == before


def test_a_bad_rule_over_the_api_is_a_400_and_changes_nothing(admin, hand_made):
    token = create_key(admin.portal, "CI", Scope.WRITE, admin.user).token
    doc = config.export_document(hand_made)
    index, phone = mapping_of(doc)
    phone["conflict_rule"] = "sometimes"
    before = snapshot(hand_made)

    reply = Client(HTTP_AUTHORIZATION=f"Bearer {token}").put(
        f"/api/v1/syncs/{hand_made.pk}", json.dumps({"format": "json", "text": json.dumps(doc)}),
        content_type="application/json")

    assert reply.status_code == 400
    assert f"syncs[0].mappings[{index}].conflict_rule" in reply.json()["detail"]
    assert snapshot(hand_made) == before
