"""Issue 5/8's story, whole: a mapping change that would rewrite every record is held
by the mass-change breaker, approved, then undone. Both sides end as they were before
the change, except the record a person edited meanwhile, which the undo lists and
leaves alone. The pieces: tests/engine/test_breaker.py and tests/engine/test_undo.py.
"""

import pytest

from syncapp.crm.services import update_record
from syncapp.syncs import review, tasks, undo_start
from syncapp.syncs.models import LinkStatus, Run, RunKind, RunStatus
from syncapp.syncs.models.held import GuardState, guard_of
from syncapp.syncs.run import undo, undo_plan
from tests.kits.breaker import PEOPLE, held_by_a_new_mapping
from tests.kits.engine import run, settle
from tests.kits.observe import hub_by, live, statuses

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def worked_off_here(monkeypatch):
    """Approve and Undo queue Celery tasks; here the test runs them itself."""
    monkeypatch.setattr("syncapp.syncs.review.enqueue", lambda task, *args: None)
    monkeypatch.setattr(tasks.run_undo, "delay", lambda undo_id: None)


def job_titles(portal, hubspot, ids) -> tuple[dict, dict]:
    hub = {r.properties["email"]: r.properties.get("jobtitle")
           for r in live(portal, "contact")}
    app = {hubspot.get("contacts", i)["email"]: hubspot.get("contacts", i).get("jobtitle")
           for i in ids}
    return hub, app


def test_held_then_approved_then_undone_ends_as_before_except_edits(portal, hubspot):
    sync, ids = held_by_a_new_mapping(hubspot)
    before = job_titles(portal, hubspot, ids)
    assert set(before[0].values()) == {None} and set(before[1].values()) == {"Engineer"}
    sync.refresh_from_db()
    assert sync.pause_reason == "mass_change"  # held: nothing written yet

    review.approve(sync, guard_of(sync).plan_key)
    run(hubspot, sync)
    assert guard_of(sync).state == GuardState.CLEAR
    applied = Run.objects.filter(object_sync=sync).exclude(kind=RunKind.UNDO).latest("id")
    hub, _app = job_titles(portal, hubspot, ids)
    assert set(hub.values()) == {"Engineer"}  # the approved change reached every record

    # Meanwhile a person edits one record the approved run wrote.
    edited = hub_by(portal, "contact", email="person3@example.com")
    update_record(edited, {"jobtitle": "CTO"})
    settle(portal)

    plan = undo_plan.review(applied)
    assert [(c.side, c.field, c.wrote, c.now) for r in plan.records for c in r.conflicts] \
        == [("hub", "jobtitle", "Engineer", "CTO")]
    undone = undo_start.start(applied, None)
    while undo.work(undone.pk, connector=hubspot.connector()) != undo.DONE:
        pass
    undone.refresh_from_db()

    assert undone.status == RunStatus.SUCCEEDED
    assert undone.counts["conflicts"] == 1
    hub, app = job_titles(portal, hubspot, ids)
    expected_hub = {**before[0], "person3@example.com": "CTO"}
    assert hub == expected_hub
    assert app == before[1]
    assert statuses(sync) == {LinkStatus.IN_SYNC: PEOPLE}

    # The next run carries nothing the undo put back: the app keeps its job titles;
    # the person's edit, made after the approved run, travels as any edit does.
    settle(portal)
    run(hubspot, sync)
    assert job_titles(portal, hubspot, ids) == (
        expected_hub, {**before[1], "person3@example.com": "CTO"})
