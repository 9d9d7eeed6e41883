"""Field-level conflict rules in the wizard, as a person sets them: the menu on each
mapping row, Review and its dry run naming the rule, and every refusal (an unknown
rule, a rule a one-way mapping cannot honour) leaving the settings as they were."""

import pytest

from syncapp.crm.services import create_record
from syncapp.syncs.models import FieldMapping
from syncapp.syncs.wizard import state
from tests.kits.stack import wait_until
from tests.syncs.kit import CONFIGURE, messages_of, page, post_step, start, text_of, url

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def phone_key(sync) -> str:
    return next(m.key for m in state.load(sync).mappings if m.hub_property == "phone")


def set_rules(client, sync, **rules):
    """Post the mapping step as its form sends it: every toggle on, and the rule menus."""
    keys = [m.key for m in state.load(sync).mappings]
    data = {"enabled": keys, "toggles": "1",
            **{f"rule-{phone_key(sync) if k == 'phone' else k}": v for k, v in rules.items()}}
    return post_step(client, "mappings", sync, data)


def saved_rule(sync) -> str:
    return next(m.conflict_rule for m in state.load(sync).mappings if m.hub_property == "phone")


def menu_of(html: str, key: str) -> str:
    return html.split(f'name="rule-{key}"', 1)[1].split("</select>", 1)[0]


def test_each_mapping_row_offers_the_rules_and_keeps_the_chosen_one(admin_client, connection):
    sync = start(admin_client, connection)
    post_step(admin_client, "configure", sync, CONFIGURE)

    menu = menu_of(text_of(page(admin_client, "mappings", sync)), phone_key(sync))
    for words in ("The sync's default (Syncapp wins)", "Syncapp wins", "Pipedrive wins",
                  "Most recent change wins", "Only fill empty values"):
        assert words in menu

    response = set_rules(admin_client, sync, phone="most_recent")
    assert response.status_code == 302, response.content[:2000]
    assert FieldMapping.objects.get(object_sync=sync, hub_property="phone").conflict_rule == \
        "most_recent"
    menu = menu_of(text_of(page(admin_client, "mappings", sync)), phone_key(sync))
    assert '<option value="most_recent" selected>' in menu


def test_review_and_its_dry_run_name_the_rule_that_decides(admin_client, connection, portal,
                                                          enqueued):
    """Syncapp wins conflicts, but Pipedrive wins the phone: Veronica's Pipedrive phone
    replaces Syncapp's, and the dry run says which rule decided."""
    create_record(portal, "contact", {"email": "veronica.hayes@whitelane.com",
                                      "firstname": "Veronica", "lastname": "Hayes",
                                      "phone": "+1 710 555 0100"})
    sync = start(admin_client, connection)
    post_step(admin_client, "configure", sync, CONFIGURE)
    set_rules(admin_client, sync, phone="app")

    review = text_of(page(admin_client, "review", sync))
    conflicts = review.split("Conflicts", 1)[1].split("</div>", 1)[0]
    assert "When a value differs on the two sides, Syncapp wins." in conflicts
    assert "“Phone” ↔ “Phone number”: Pipedrive wins." in conflicts

    shown = {}

    def ready() -> bool:
        shown["html"] = text_of(admin_client.get(url("dry_run", sync), **HTMX))
        return 'data-state="ready"' in shown["html"]

    assert wait_until(ready, timeout=60, every=0.5), shown.get("html", "")[:2000]
    veronica = next(r for r in shown["html"].split('<li class="sample-item">')
                    if "Veronica" in r).split("</li>", 1)[0]
    assert "both had values; this field's rule: the app wins" in veronica


def test_an_unknown_rule_is_refused_and_nothing_is_saved(admin_client, connection):
    sync = start(admin_client, connection)
    post_step(admin_client, "configure", sync, CONFIGURE)
    keys = [m.key for m in state.load(sync).mappings if m.hub_property != "firstname"]

    response = post_step(admin_client, "mappings", sync, {
        "enabled": keys, "toggles": "1", f"rule-{phone_key(sync)}": "whoever shouts"})

    assert response.status_code == 400
    assert "“whoever shouts” is not a conflict rule" in messages_of(response)
    assert saved_rule(sync) == ""
    assert FieldMapping.objects.get(object_sync=sync, hub_property="firstname").enabled


@pytest.mark.parametrize(("direction", "refused", "accepted", "why"), [
    ("to_app", ["app", "most_recent"], ["hub", "fill_empty"],
     "syncs one way, from Syncapp into Pipedrive"),
    ("to_hub", ["hub", "most_recent"], ["app", "fill_empty"],
     "syncs one way, from Pipedrive into Syncapp"),
])
def test_a_rule_a_one_way_mapping_cannot_honour_is_not_offered_and_is_refused(
        admin_client, connection, direction, refused, accepted, why):
    sync = start(admin_client, connection)
    post_step(admin_client, "configure", sync, {**CONFIGURE, "direction": direction})
    menu = menu_of(text_of(page(admin_client, "mappings", sync)), phone_key(sync))
    for rule in refused:
        assert f'value="{rule}"' not in menu
        response = set_rules(admin_client, sync, phone=rule)
        assert response.status_code == 400
        assert why in messages_of(response)
        assert saved_rule(sync) == ""
    for rule in accepted:
        assert f'value="{rule}"' in menu
        assert set_rules(admin_client, sync, phone=rule).status_code == 302
        assert saved_rule(sync) == rule


def test_turning_the_sync_one_way_under_a_rule_it_cannot_honour_is_refused(admin_client,
                                                                           connection):
    sync = start(admin_client, connection)
    post_step(admin_client, "configure", sync, CONFIGURE)
    set_rules(admin_client, sync, phone="most_recent")

    response = post_step(admin_client, "configure", sync, {**CONFIGURE, "direction": "to_hub"})

    assert response.status_code == 400
    assert "“Most recent change wins” could only stop changes made in Pipedrive" in \
        messages_of(response)
    sync.refresh_from_db()
    assert sync.direction == "two_way" and saved_rule(sync) == "most_recent"
