"""The htmx partial updates: toggles, the filter panel, and live progress that stops itself."""

import pytest

from syncapp.syncs import tasks
from syncapp.syncs.models import ObjectSync, Run, RunKind, RunStatus
from syncapp.syncs.wizard import preview, preview_worker, state
from tests.syncs.kit import CONFIGURE, post_step, start, text_of, url

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_toggle_saves_at_once_and_answers_with_the_mapping_area(admin_client, connection):
    sync = start(admin_client, connection)
    enabled = [f"{m.app_field}|{m.hub_property}" for m in sync.mappings.all()
               if m.hub_property != "phone"]
    response = post_step(admin_client, "mappings", sync, {"enabled": enabled, "toggles": "1"},
                         **HTMX)
    assert response.status_code == 200
    html = text_of(response)
    assert html.lstrip().startswith('<div id="mapping-area"')
    assert not sync.mappings.get(hub_property="phone").enabled


def test_the_association_view_is_a_partial_too(admin_client, connection):
    sync = start(admin_client, connection)
    response = admin_client.get(url("mappings", sync), {"view": "associations"}, **HTMX)
    html = text_of(response)
    assert "Persons → Organization" in html and "Contacts ↔ Companies" in html
    assert "Needs the Organizations sync on this Pipedrive account first" in html


def test_the_filter_panel_adds_and_removes_rows_without_saving(admin_client, connection):
    sync = start(admin_client, connection)
    rows = {"field-0": "city", "operator-0": "is", "value-0": "Lisbon"}
    added = post_step(admin_client, "filters", sync, {**rows, "action": "add"}, args=("app",),
                      **HTMX)
    assert text_of(added).count('<li class="condition-row') == 2
    removed = post_step(admin_client, "filters", sync, {**rows, "action": "remove-0"},
                        args=("app",), **HTMX)
    assert text_of(removed).count('<li class="condition-row') == 1
    assert not sync.filters.exists()

    done = post_step(admin_client, "filters", sync, {
        "field-0": "postal_address_locality", "operator-0": "is", "value-0": "Lisbon",
        "action": "done"}, args=("app",), **HTMX)
    assert done["HX-Redirect"] == url("limits", sync)
    assert list(sync.filters.values_list("side", "field", "value")) == [
        ("app", "postal_address_locality", "Lisbon")]


def test_progress_polls_while_running_and_stops_itself_when_done(admin_client, connection):
    sync = start(admin_client, connection)
    post_step(admin_client, "save", sync, {})
    waiting = admin_client.get(url("progress", sync), **HTMX)
    assert waiting.status_code == 200
    assert 'hx-trigger="every 1s"' in text_of(waiting)

    run = Run.objects.create(portal=sync.portal, object_sync=sync, kind=RunKind.INITIAL,
                             counts={"read": 12, "matched": 2}, estimated_total=4)
    ObjectSync.objects.filter(pk=sync.pk).update(initial_phase="hub")
    running = text_of(admin_client.get(url("progress", sync), **HTMX))
    assert "Checking Syncapp's records the app does not have" in running
    assert 'data-count="matched">2<' in running

    ObjectSync.objects.filter(pk=sync.pk).update(initial_phase="", initial_done=True)
    Run.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED)
    done = admin_client.get(url("progress", sync), **HTMX)
    assert done.status_code == 286  # htmx stops polling
    assert 'hx-trigger="every 1s"' not in text_of(done)
    assert 'data-state="done"' in text_of(done)


def test_a_paused_run_stops_the_polling_and_says_why(admin_client, connection):
    sync = start(admin_client, connection)
    post_step(admin_client, "save", sync, {})
    Run.objects.create(portal=sync.portal, object_sync=sync, kind=RunKind.INITIAL,
                       status=RunStatus.PAUSED, error_message="Pipedrive is down for upkeep")
    response = admin_client.get(url("progress", sync), **HTMX)
    assert response.status_code == 286
    assert "Pipedrive is down for upkeep" in text_of(response)


def test_progress_without_htmx_is_the_sync_page(admin_client, connection):
    sync = start(admin_client, connection)
    response = admin_client.get(url("progress", sync))
    assert response["Location"] == url("detail", sync)


def test_the_review_page_asks_a_worker_for_the_dry_run_once_and_polls(
        admin_client, connection, monkeypatch):
    asked: list[tuple[int, str]] = []
    monkeypatch.setattr(tasks.dry_run, "delay", lambda *args: asked.append(args))
    sync = start(admin_client, connection)

    first = text_of(admin_client.get(url("review", sync)))
    again = text_of(admin_client.get(url("dry_run", sync), **HTMX))

    assert 'data-state="pending"' in first and 'hx-trigger="every 2s"' in again
    assert asked == [(sync.pk, state.token(sync))]  # asked once, not on every poll
    preview_worker.run_and_store(*asked[0])  # the worker's part
    ready = text_of(admin_client.get(url("dry_run", sync), **HTMX))
    assert 'data-state="ready"' in ready and "every 2s" not in ready


def test_a_change_of_settings_asks_for_a_new_dry_run(admin_client, connection, monkeypatch):
    asked: list[tuple[int, str]] = []
    monkeypatch.setattr(tasks.dry_run, "delay", lambda *args: asked.append(args))
    sync = start(admin_client, connection)
    admin_client.get(url("review", sync))
    preview_worker.run_and_store(*asked[0])
    post_step(admin_client, "configure", sync, {**CONFIGURE, "direction": "to_app"})

    html = text_of(admin_client.get(url("review", sync)))

    assert 'data-state="pending"' in html  # the earlier result was for other settings
    assert len(asked) == 2
    preview_worker.run_and_store(*asked[0])  # a late answer for old settings is dropped
    sync.refresh_from_db()
    assert preview.requested(sync) is None
