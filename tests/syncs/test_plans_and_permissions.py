"""Custom mappings by plan, the switch that turns them all off, and who may configure."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from connectors.pipedrive import PipedriveConnector
from syncapp.accounts.models import Plan
from syncapp.syncs.configure import build_config
from syncapp.syncs.models import SyncState
from syncapp.syncs.wizard import preview_worker, state
from tests.conftest import _client_for
from tests.syncs.kit import CONFIGURE, messages_of, page, post_step, start, text_of, url

pytestmark = pytest.mark.django_db

CUSTOM = {"app_field": "name", "hub_property": "company"}  # text ⇔ text, both ways


def test_the_self_hosted_plan_has_custom_mappings(admin_client, connection):
    sync = start(admin_client, connection)
    assert "Add a mapping" in text_of(page(admin_client, "mappings", sync))
    response = post_step(admin_client, "mapping_add", sync, CUSTOM)
    assert "Mapping added" in messages_of(response)
    custom = sync.mappings.get(is_default=False)
    assert (custom.app_field, custom.hub_property, custom.direction) == (
        "name", "company", "two_way")


def test_the_free_plan_offers_a_preview_that_cannot_be_saved(admin_client, connection, portal):
    portal.plan = Plan.FREE
    portal.save()
    sync = start(admin_client, connection)
    html = text_of(page(admin_client, "mappings", sync))
    assert "Try custom mappings" in html and "Add a mapping" not in html

    preview_panel = text_of(admin_client.get(url("mapping_add", sync), CUSTOM,
                                             HTTP_HX_REQUEST="true"))
    assert "Preview" in preview_panel
    assert "Syncs both ways." in preview_panel  # the menus work…
    assert "disabled>✓ Update" in preview_panel  # …but Update does not

    response = post_step(admin_client, "mapping_add", sync, CUSTOM)
    assert response.status_code == 400
    assert "Custom mappings need a paid plan" in text_of(response)
    assert not sync.mappings.filter(is_default=False).exists()


def test_one_switch_turns_every_custom_mapping_off_and_on(admin_client, connection):
    sync = start(admin_client, connection)
    post_step(admin_client, "mapping_add", sync, CUSTOM)

    response = post_step(admin_client, "custom_mappings", sync, {"custom_mappings_on": "off"})

    assert "Custom mappings are off" in messages_of(response)
    sync.refresh_from_db()
    assert sync.custom_mappings_on is False
    assert sync.mappings.get(is_default=False).enabled  # kept, as it was
    mapped = {m.hub_property for m in build_config(sync, PipedriveConnector).mappings}
    assert "company" not in mapped and "email" in mapped
    assert "Paused" in text_of(page(admin_client, "mappings", sync))

    post_step(admin_client, "custom_mappings", sync, {"custom_mappings_on": "on"})
    sync.refresh_from_db()
    assert "company" in {m.hub_property for m in build_config(sync, PipedriveConnector).mappings}


def test_the_dry_run_of_an_edit_keeps_nothing(admin_client, connection):
    sync = start(admin_client, connection)
    post_step(admin_client, "save", sync, {})
    sync.refresh_from_db()
    post_step(admin_client, "configure", sync, {**CONFIGURE, "direction": "to_hub"})
    sync.refresh_from_db()
    pending = state.token(sync)

    result = preview_worker.compute(sync)

    sync.refresh_from_db()
    assert (sync.direction, state.token(sync), sync.state) == ("two_way", pending, SyncState.ON)
    assert result.created_app.count == 0  # app to Syncapp only: nothing goes to Pipedrive
    assert result.created_hub.count > 0


@pytest.mark.parametrize("persona", ["marketer", "admin"])
def test_super_admins_and_app_marketplace_users_configure(request, connection, persona):
    client = _client_for(request.getfixturevalue(persona))
    assert client.get(reverse("syncs:choose", args=["pipedrive"])).status_code == 200
    assert "Set up sync" in text_of(client.get("/integrations/pipedrive/"))


@pytest.mark.parametrize("persona", ["member", "ops", "support"])
def test_everyone_else_reads_with_a_note(request, admin_client, connection, persona):
    sync = start(admin_client, connection)
    post_step(admin_client, "save", sync, {})
    client = _client_for(request.getfixturevalue(persona))

    app_page = text_of(client.get("/integrations/pipedrive/"))
    assert "Object syncs" in app_page and 'data-sync="persons"' in app_page
    assert "Set up sync" not in app_page
    assert "Setting up and changing syncs needs the “App Marketplace” permission" in app_page
    detail = client.get(url("detail", sync))
    assert detail.status_code == 200
    assert "changing it needs the “App Marketplace” permission" in text_of(detail)
    assert "Turn off sync" not in text_of(detail)

    assert client.get(reverse("syncs:choose", args=["pipedrive"])).status_code == 403
    for name in ("configure", "mappings", "limits", "review"):
        assert client.get(url(name, sync)).status_code == 403, name
    for name in ("turn_off", "delete", "sync_now", "save", "discard"):
        assert client.post(url(name, sync)).status_code == 403, name
    sync.refresh_from_db()
    assert sync.state == SyncState.ON


def test_a_command_sets_a_portals_plan(portal):
    call_command("set_portal_plan", "Acme Corp", "free", stdout=StringIO())
    portal.refresh_from_db()
    assert portal.plan == Plan.FREE
    with pytest.raises(CommandError):
        call_command("set_portal_plan", "Nobody", "free", stdout=StringIO())
