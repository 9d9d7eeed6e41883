"""Support's resync, restore and retry, through the real engine against the sandbox."""

import pytest

from syncapp.crm.models import Record
from syncapp.health import repair, repair_start
from syncapp.health.models import JobStatus, RepairJob, RepairKind
from syncapp.syncs.models import HistoryEntry, Link, LinkStatus, Run, RunKind
from tests.kits.health import build_mixed

pytestmark = pytest.mark.django_db(transaction=True)


def work(job, app) -> RepairJob:
    while repair.run_job(job.pk, connector=app.connector()) != repair.DONE:
        pass
    job.refresh_from_db()
    return job


def emails_in_app(app) -> list[str]:
    return sorted(v.get("email") or "" for v in app.all("contacts").values())


def test_resync_records_deleted_in_the_app_recreates_them(portal, hubspot, support):
    mixed = build_mixed(portal, hubspot)
    assert "hub0@mixed.example" not in emails_in_app(hubspot)

    job = work(repair_start.start_restore(mixed.sync, "app", support.user), hubspot)

    assert (job.status, job.total, job.succeeded, job.failed) == (JobStatus.DONE, 1, 1, 0)
    assert emails_in_app(hubspot).count("hub0@mixed.example") == 1
    link = Link.objects.get(object_sync=mixed.sync, hub_name__startswith="Hub0")
    assert link.status == LinkStatus.IN_SYNC
    run = Run.objects.get(object_sync=mixed.sync, kind=RunKind.RESTORE)
    assert HistoryEntry.objects.filter(link=link, run=run, action="recreated").exists()


def test_resync_records_deleted_in_the_hub_restores_them_with_the_apps_data(
        portal, hubspot, support):
    mixed = build_mixed(portal, hubspot)
    link = Link.objects.get(object_sync=mixed.sync, status=LinkStatus.DELETED_IN_HUB)
    hubspot.update("contacts", link.app_id, firstname="Changed in the app")

    job = work(repair_start.start_restore(mixed.sync, "hub", support.user), hubspot)

    record = Record.objects.get(pk=link.hub_record_id)
    assert (job.succeeded, record.archived_at) == (1, None)
    assert record.properties["firstname"] == "Changed in the app"


def test_a_second_restore_while_one_runs_is_refused(portal, hubspot, support):
    mixed = build_mixed(portal, hubspot)
    first = repair_start.start_restore(mixed.sync, "app", support.user)
    with pytest.raises(repair_start.AlreadyRunning) as refused:
        repair_start.start_restore(mixed.sync, "app", support.user)
    assert refused.value.job == first
    # The other side is other records: it may run.
    assert repair_start.start_restore(mixed.sync, "hub", support.user).target == "hub"


def test_two_restore_jobs_of_the_same_records_never_recreate_twice(portal, hubspot, support):
    mixed = build_mixed(portal, hubspot)
    # Two jobs for the same links (as if a message were delivered twice): the claims
    # under select_for_update let only one of them take each link.
    jobs = [RepairJob.objects.create(portal=portal, object_sync=mixed.sync, total=1,
                                     kind=RepairKind.RESTORE, target="app") for _ in range(2)]
    done = [work(job, hubspot) for job in jobs]

    assert sorted(job.succeeded for job in done) == [0, 1]
    assert emails_in_app(hubspot).count("hub0@mixed.example") == 1


def test_links_claimed_by_a_dead_worker_are_put_back_and_restored(portal, hubspot, support):
    mixed = build_mixed(portal, hubspot)
    link = Link.objects.get(object_sync=mixed.sync, status=LinkStatus.DELETED_IN_APP)
    job = repair_start.start_restore(mixed.sync, "app", support.user)
    # The worker claimed the link, then died before recreating it.
    Link.objects.filter(pk=link.pk).update(status=LinkStatus.PENDING)
    RepairJob.objects.filter(pk=job.pk).update(claimed=[link.pk], after_id=link.pk,
                                               status=JobStatus.RUNNING)

    job = work(job, hubspot)

    link.refresh_from_db()
    assert (job.succeeded, link.status) == (1, LinkStatus.IN_SYNC)
    assert emails_in_app(hubspot).count("hub0@mixed.example") == 1


def test_retry_all_of_a_category_syncs_them_and_leaves_the_others(portal, hubspot, support):
    mixed = build_mixed(portal, hubspot)
    others = Link.objects.filter(object_sync=mixed.sync, status=LinkStatus.FAILED).exclude(
        error_category="invalid_value").count()

    job = work(repair_start.start_retry(mixed.sync, "invalid_value", [], support.user), hubspot)

    assert (job.total, job.succeeded, job.failed) == (3, 3, 0)
    assert not Link.objects.filter(object_sync=mixed.sync, error_category="invalid_value",
                                   status=LinkStatus.FAILED).exists()
    assert Link.objects.filter(object_sync=mixed.sync, status=LinkStatus.FAILED).count() == \
        others
    assert sum(e.startswith("invalid_value") for e in emails_in_app(hubspot)) == 3


def test_retry_of_selected_records_touches_only_those(portal, hubspot, support):
    mixed = build_mixed(portal, hubspot)
    chosen = [link.pk for link in mixed.failed if link.error_category == "duplicate"][:1]

    job = work(repair_start.start_retry(mixed.sync, "duplicate", chosen, support.user), hubspot)

    assert (job.total, job.succeeded) == (1, 1)
    assert Link.objects.get(pk=chosen[0]).status == LinkStatus.IN_SYNC
    assert Link.objects.filter(object_sync=mixed.sync, error_category="duplicate",
                               status=LinkStatus.FAILED).count() == 1


def test_the_sweeper_resends_jobs_a_lost_message_left_behind(portal, support, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from syncapp.health import tasks
    from tests.kits.health import quiet_sync

    sync = quiet_sync(portal)
    stale = RepairJob.objects.create(portal=portal, object_sync=sync, kind=RepairKind.RESTORE,
                                     target="app")
    fresh = RepairJob.objects.create(portal=portal, object_sync=sync, kind=RepairKind.RETRY,
                                     category="duplicate")
    RepairJob.objects.filter(pk=stale.pk).update(
        updated_at=timezone.now() - dt.timedelta(minutes=10))
    sent = []
    monkeypatch.setattr(tasks.run_repair, "delay", sent.append)
    tasks.sweep()
    assert sent == [stale.pk]
    assert fresh.pk not in sent
