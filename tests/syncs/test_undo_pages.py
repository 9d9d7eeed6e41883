"""Undo this run, as support sees it: the review, the confirmation, the result; and who
may not, and what is refused with nothing changed."""

import pytest
from django.test import Client
from django.urls import reverse

from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.crm.models import Record
from syncapp.crm.services import archive_record, create_record, update_record
from syncapp.syncs import tasks
from syncapp.syncs.models import Run, RunKind
from syncapp.syncs.run import undo
from tests.kits.engine import make_sync, run, settle
from tests.kits.observe import fresh, link_of_hub
from tests.syncs.kit import text_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(monkeypatch, hubspot) -> list[int]:
    """The undo's task, worked off at once as a worker would (the sandbox's connector)."""
    sent: list[int] = []

    def work_off(undo_id: int) -> None:
        sent.append(undo_id)
        while undo.work(undo_id, connector=hubspot.connector()) != undo.DONE:
            pass

    monkeypatch.setattr(tasks.run_undo, "delay", work_off)
    return sent


@pytest.fixture
def changed(portal, hubspot):
    """Two contacts in sync, then a run that renamed both in the app."""
    fresh(hubspot, "contacts")
    ann = create_record(portal, "contact", {"email": "ann@pages.example", "firstname": "Ann"})
    bob = create_record(portal, "contact", {"email": "bob@pages.example", "firstname": "Bob"})
    sync = make_sync(hubspot, "contacts")
    run(hubspot, sync)
    update_record(ann, {"firstname": "Annabel"})
    update_record(bob, {"firstname": "Robert"})
    settle(portal)
    run(hubspot, sync)
    target = Run.objects.filter(object_sync=sync).latest("id")
    return sync, target, ann, bob


def undo_url(sync, run_id: int) -> str:
    return reverse("syncs:undo", args=["hubspot", sync.pk, run_id])


def app_firstname(hubspot, sync, record) -> str:
    return hubspot.get("contacts", link_of_hub(sync, record).app_id)["firstname"]


def test_support_reviews_then_undoes_a_run(support_client, support, changed, hubspot, worker):
    sync, target, ann, _bob = changed

    detail = text_of(support_client.get(reverse("syncs:detail", args=["hubspot", sync.pk])))
    assert "Undo this run" in detail
    review = text_of(support_client.get(undo_url(sync, target.pk)))
    assert "2 records get values back" in review
    assert "Annabel" in review and "First name" in review
    assert app_firstname(hubspot, sync, ann) == "Annabel"  # a review changes nothing

    response = support_client.post(undo_url(sync, target.pk))
    assert response.status_code == 302
    assert app_firstname(hubspot, sync, ann) == "Ann"
    result = text_of(support_client.get(response.url))
    assert 'data-state="succeeded"' in result
    entry = AuditEntry.objects.get(action=AuditAction.UNDO)
    assert (entry.actor, entry.changes["run"]) == (support.user, target.pk)


def test_a_conflict_and_a_deleted_record_are_listed_and_left_alone(
        support_client, changed, hubspot, worker):
    sync, target, ann, bob = changed
    hubspot.update("contacts", link_of_hub(sync, ann).app_id, firstname="Anne")
    archive_record(bob)

    review = text_of(support_client.get(undo_url(sync, target.pk)))
    assert "Deleted since: skipped" in review
    support_client.post(undo_url(sync, target.pk))

    result = text_of(support_client.get(undo_url(sync, target.pk)))
    assert "changed since the run, left alone: firstname" in result
    assert "deleted since the run" in result
    assert app_firstname(hubspot, sync, ann) == "Anne"
    assert app_firstname(hubspot, sync, bob) == "Robert"


def test_an_admin_may_undo_and_ops_may_not(admin_client, ops_client, changed, hubspot, worker):
    sync, target, ann, _bob = changed
    assert ops_client.get(undo_url(sync, target.pk)).status_code == 403
    assert ops_client.post(undo_url(sync, target.pk)).status_code == 403
    assert "Undo this run" not in text_of(
        ops_client.get(reverse("syncs:detail", args=["hubspot", sync.pk])))
    assert not Run.objects.filter(undoes=target).exists()
    assert app_firstname(hubspot, sync, ann) == "Annabel"

    assert admin_client.post(undo_url(sync, target.pk)).status_code == 302
    assert app_firstname(hubspot, sync, ann) == "Ann"


def test_unknown_runs_and_other_portals_runs_are_not_found(
        support_client, outsider_client, changed, worker):
    sync, target, _ann, _bob = changed
    assert support_client.get(undo_url(sync, 999_999)).status_code == 404
    assert support_client.post(undo_url(sync, 999_999)).status_code == 404
    assert outsider_client.post(undo_url(sync, target.pk)).status_code == 404
    assert not Run.objects.filter(undoes=target).exists() and not worker


def test_a_running_run_and_a_run_with_nothing_to_undo_are_refused(
        support_client, portal, changed, worker):
    sync, _target, _ann, _bob = changed
    running = Run.objects.create(portal=portal, object_sync=sync, kind=RunKind.INCREMENTAL)
    response = support_client.post(undo_url(sync, running.pk))
    assert response.status_code == 409
    assert "still running" in text_of(response)
    quiet = Run.objects.create(portal=portal, object_sync=sync, kind=RunKind.INCREMENTAL,
                               status="succeeded")
    response = support_client.post(undo_url(sync, quiet.pk))
    assert response.status_code == 409
    assert "nothing to undo" in text_of(response)
    assert not Run.objects.filter(kind=RunKind.UNDO).exists() and not worker


def test_a_second_undo_of_the_same_run_is_refused(
        support_client, admin_client, changed, monkeypatch, hubspot):
    sync, target, _ann, _bob = changed
    monkeypatch.setattr(tasks.run_undo, "delay", lambda undo_id: None)  # still under way
    assert support_client.post(undo_url(sync, target.pk)).status_code == 302
    response = admin_client.post(undo_url(sync, target.pk))
    assert response.status_code == 409
    assert "already under way" in text_of(response)
    assert Run.objects.filter(undoes=target).count() == 1
    assert AuditEntry.objects.filter(action=AuditAction.UNDO).count() == 1


def test_the_confirmation_needs_the_csrf_token(support, changed, worker):
    sync, target, _ann, _bob = changed
    client = Client(enforce_csrf_checks=True)
    client.force_login(support.user)
    assert client.post(undo_url(sync, target.pk)).status_code == 403
    assert not Run.objects.filter(undoes=target).exists()


def test_an_undo_never_hard_deletes_what_it_archives(support_client, portal, changed, hubspot,
                                                       worker):
    sync, _target, _ann, _bob = changed
    hubspot.create("contacts", email="cy@pages.example", firstname="Cy")
    run(hubspot, sync)
    created = Run.objects.filter(object_sync=sync).latest("id")
    support_client.post(undo_url(sync, created.pk))
    cy = Record.objects.get(portal=portal, email_key="cy@pages.example")
    assert cy.archived_at is not None
