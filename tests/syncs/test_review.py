"""Review as a person uses it: the dry run's tiles agree with its own lists and with
what the real initial sync then does, and predicted failures need an explicit yes."""

import re

import pytest

from syncapp.crm.models import Record
from syncapp.crm.services import create_record
from syncapp.integrations.catalog import build_connector
from syncapp.syncs import tasks
from syncapp.syncs.models import Run, RunStatus, SyncState
from syncapp.syncs.wizard import state
from tests.kits.stack import wait_until
from tests.kits.worker import sync_worker
from tests.syncs.kit import (
    CONFIGURE,
    lead_source_mapping,
    messages_of,
    page,
    post_step,
    start,
    text_of,
    url,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SIDES = ("updated_hub", "updated_app")


@pytest.fixture
def overlapping(connection, portal, hub_lead_source):
    """A CRM that shares three people with Pipedrive: Veronica's phone differs (Syncapp
    wins: it goes to Pipedrive), Guy has no phone in Syncapp (it comes from Pipedrive),
    and Phil's Pipedrive phone is text Syncapp refuses, so his Syncapp side fails."""
    (phil,) = build_connector(connection).create("persons", [("phil", {
        "name": "Phil Phone", "email": "phil@acme.example", "phone": "ask at the desk"})])
    assert phil.ok, phil.error
    for values in (
        {"email": "veronica.hayes@whitelane.com", "firstname": "Veronica", "lastname": "Hayes",
         "phone": "+1 710 555 0100"},
        {"email": "guy.lane@rivera.co", "firstname": "Guy", "lastname": "Lane"},
        {"email": "phil@acme.example", "firstname": "Phil", "lastname": "Phone"},
        {"email": "hub.only@acme.example", "firstname": "Hub", "lastname": "Only"},
    ):
        create_record(portal, "contact", values)
    return connection


def configured(client, connection):
    sync = start(client, connection)
    post_step(client, "configure", sync, CONFIGURE)
    post_step(client, "mapping_add", sync, lead_source_mapping(connection))
    return sync


def tiles(html: str) -> dict[str, int]:
    """The numbers the dry run's tiles show."""
    found = {stat: int(value.replace(",", "")) for stat, value in re.findall(
        r'data-stat="(\w+)"><span class="stat-value">([\d,]+)</span>', html)}
    hub, app = re.search(r"(\d+) in Syncapp · (\d+) in Pipedrive", html).groups()
    return {**found, "updated_hub": int(hub), "updated_app": int(app)}


def matched_list(html: str) -> dict[str, int]:
    """What the list of matched pairs shows: its rows, and how many get changes per side."""
    block = html.split('data-list="matched"', 1)[1].split("</details>", 1)[0]
    rows = block.split('<li class="sample-item">')[1:]
    return {"rows": len(rows),
            "updated_hub": sum('<span class="side-tag">Syncapp</span>' in r for r in rows),
            "updated_app": sum("side-tag-app" in r for r in rows)}


def when_ready(client, sync) -> str:
    """The dry run partial once the worker has computed it (the page polls the same way)."""
    shown = {}

    def ready() -> bool:
        shown["html"] = text_of(client.get(url("dry_run", sync), **HTMX))
        return 'data-state="ready"' in shown["html"]

    assert wait_until(ready, timeout=60, every=0.5), shown["html"][:2000]
    return shown["html"]


def finished_run(sync) -> Run:
    runs = Run.objects.filter(object_sync=sync).exclude(status=RunStatus.RUNNING)
    assert wait_until(runs.exists, timeout=90, every=0.5), "the initial sync never finished"
    return runs.get()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_dry_run_tiles_match_its_lists_and_the_initial_sync_that_follows(
        admin_client, overlapping, monkeypatch, settings, tmp_path):
    # A real worker computes the dry run and then runs the initial sync.
    monkeypatch.delattr(tasks.dry_run, "delay")
    monkeypatch.delattr(tasks.run_sync, "delay")
    with sync_worker(settings.SITE_URL, tmp_path / "worker.log"):
        sync = configured(admin_client, overlapping)
        html = when_ready(admin_client, sync)
        shown, listed = tiles(html), matched_list(html)

        assert shown["matched"] == listed["rows"] == 3
        assert {side: shown[side] for side in SIDES} == {side: listed[side] for side in SIDES}
        assert shown["updated_app"] >= 1 and shown["failing"] == 1
        # Phil's Syncapp side is refused: it is listed as likely to fail, not as changes.
        phil = next(r for r in html.split('<li class="sample-item">') if "Phil Phone" in r)
        assert "Likely to fail, so that side's changes are left out" in phil
        assert '<span class="side-tag">Syncapp</span>' not in phil.split("</li>")[0]

        saved = post_step(admin_client, "save", sync, {"accept_failures": shown["failing"]})
        assert "The initial sync has started" in messages_of(saved)
        run = finished_run(sync)

    assert run.status == RunStatus.SUCCEEDED
    for key in ("matched", "created_hub", "created_app", *SIDES):
        assert run.counts.get(key, 0) == shown[key], key
    assert run.counts["failed"] == shown["failing"]


def test_saving_with_predicted_failures_needs_the_i_understand_box(
        admin_client, overlapping, enqueued):
    sync = configured(admin_client, overlapping)
    review = text_of(page(admin_client, "review", sync))
    assert "I understand 1 record will fail." in review
    records = Record.objects.count()

    refused = post_step(admin_client, "save", sync, {})

    assert refused.status_code == 400
    again = text_of(refused)
    assert "The dry run predicts that 1 record will fail. Nothing was saved" in again
    assert 'name="accept_failures" value="1"' in again  # the page is shown again to tick it
    sync.refresh_from_db()
    assert sync.state == SyncState.DRAFT and enqueued == []
    assert Record.objects.count() == records


def test_a_yes_to_another_number_of_failures_is_not_a_yes(admin_client, overlapping,
                                                          enqueued):
    """A yes given to an earlier dry run (2 failures, say) does not cover the current one."""
    sync = configured(admin_client, overlapping)
    page(admin_client, "review", sync)

    refused = post_step(admin_client, "save", sync, {"accept_failures": "2"})

    assert refused.status_code == 400
    sync.refresh_from_db()
    assert sync.state == SyncState.DRAFT and enqueued == []


def test_an_edit_with_predicted_failures_needs_the_yes_too(admin_client, overlapping,
                                                          enqueued):
    sync = configured(admin_client, overlapping)
    post_step(admin_client, "save", sync, {"accept_failures": "1"})
    sync.refresh_from_db()
    version = sync.version
    post_step(admin_client, "configure", sync, {**CONFIGURE, "winner": "app"})

    refused = post_step(admin_client, "save", sync, {})
    assert refused.status_code == 400
    sync.refresh_from_db()
    assert (sync.version, sync.winner) == (version, "hub")

    saved = post_step(admin_client, "save", sync, {"accept_failures": "1"})
    assert "They apply from the next run" in messages_of(saved)
    sync.refresh_from_db()
    assert sync.winner == "app" and state.load(sync).winner == "app"


def test_no_box_is_asked_for_when_nothing_is_predicted_to_fail(admin_client, connection,
                                                               enqueued):
    sync = start(admin_client, connection)
    review = text_of(page(admin_client, "review", sync))
    assert 'data-stat="failing"><span class="stat-value">0<' in review
    assert "accept_failures" not in review

    saved = post_step(admin_client, "save", sync, {})

    assert "The initial sync has started" in messages_of(saved)
    assert enqueued == [sync.pk]
