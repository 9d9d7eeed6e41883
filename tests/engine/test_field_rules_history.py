"""Field-level conflict rules in real runs: each field decided by its own rule, and the
record's history naming that rule, in the reader's language."""

import pytest
from django.urls import reverse

from syncapp.crm.services import create_record, update_record
from syncapp.syncs.models import FieldMapping
from tests.kits.engine import make_sync, run, settle
from tests.kits.observe import fresh, history, link_of_hub

pytestmark = pytest.mark.django_db(transaction=True)

PHONE_RULE = "both had values; this field's rule: Syncapp wins"
FILLED = "filled from the app (empty in Syncapp); this field's rule: only fill empty values"
RECENT = "changed on both sides; this field's rule: the most recent change wins (Syncapp's)"


def ann_under_field_rules(portal, hubspot):
    """The app wins conflicts, but Syncapp wins Ann's phone, her last name only fills an
    empty side, and her first name goes to whichever side changed it last."""
    fresh(hubspot, "contacts")
    app_id = hubspot.create("contacts", email="ann@example.com", phone="111", firstname="Ann",
                            lastname="Lee", jobtitle="CFO")
    record = create_record(portal, "contact", {"email": "ann@example.com", "phone": "999",
                                                "firstname": "Ann", "jobtitle": "CEO"})
    sync = make_sync(hubspot, "contacts", winner="app")
    for prop, rule in (("phone", "hub"), ("lastname", "fill_empty"),
                       ("firstname", "most_recent")):
        FieldMapping.objects.filter(object_sync=sync, hub_property=prop).update(
            conflict_rule=rule)
    run(hubspot, sync)
    # Both sides change the first name, Syncapp last: the most recent change wins
    # over the sync's default (the app).
    hubspot.update("contacts", app_id, firstname="Annie")
    update_record(record, {"firstname": "Anne"})
    settle(portal)
    run(hubspot, sync)
    return sync, record, app_id


def test_each_field_is_decided_by_its_own_rule_and_the_history_says_which(portal, hubspot):
    sync, record, app_id = ann_under_field_rules(portal, hubspot)

    linked, edited = history(link_of_hub(sync, record))
    assert linked.changes["app"]["phone"] == ["111", "999", PHONE_RULE]
    assert linked.changes["hub"]["lastname"] == [None, "Lee", FILLED]
    # No rule of its own: the sync's winner, the app.
    assert linked.changes["hub"]["jobtitle"][1:] == ["CFO", "both had values; the app wins "
                                                            "conflicts"]
    assert edited.changes == {"app": {"firstname": ["Annie", "Anne", RECENT]}}
    record.refresh_from_db()
    app = dict(hubspot.all("contacts"))[app_id]
    assert (record.properties["firstname"], app["firstname"]) == ("Anne", "Anne")
    assert (record.properties["phone"], app["phone"]) == ("999", "999")


def test_the_record_pages_name_the_rule_in_the_readers_language(portal, hubspot, ops_client,
                                                                admin_client):
    sync, record, _ = ann_under_field_rules(portal, hubspot)
    link = link_of_hub(sync, record)

    html = ops_client.get(reverse("health:history", args=["hubspot", link.pk])).content.decode()
    for words in (PHONE_RULE, FILLED, RECENT):
        assert words.replace("'", "&#x27;") in html
    detail = admin_client.get(reverse("crm:detail", args=["contact", record.pk]))
    assert RECENT.replace("'", "&#x27;") in detail.content.decode().split('id="sync-history"')[1]

    html = ops_client.get(reverse("health:history", args=["hubspot", link.pk]),
                          HTTP_ACCEPT_LANGUAGE="pt-BR").content.decode()
    assert "alterado nos dois lados; regra deste campo: vence a alteração mais recente " \
           "(a do Syncapp)" in html
    assert "regra deste campo: vence o Syncapp" in html
