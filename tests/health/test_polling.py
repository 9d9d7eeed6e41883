"""The record view's status polls (htmx, every second while the work runs): when an
export is built, its answer shows the result and stops the polling (286); when a repair
job ends, its answer reloads the page (HX-Refresh) so the counts and lists are fresh."""

import pytest
from django.urls import reverse

from syncapp.health.models import ExportJob, JobStatus, RepairJob, RepairKind
from tests.kits.health import quiet_sync

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_an_exports_status_polls_while_it_is_built_then_stops_on_the_result(
        portal, ops, ops_client):
    sync = quiet_sync(portal)
    job = ExportJob.objects.create(portal=portal, connection=sync.connection, format="csv",
                                   columns=["object"], requested_by=ops.user)
    url = reverse("health:export_status", args=["hubspot", job.pk])

    building = ops_client.get(url, **HTMX)
    assert building.status_code == 200
    assert 'hx-trigger="every 1s"' in building.content.decode()

    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, rows=3,
                                               file_name="contacts.csv")
    done = ops_client.get(url, **HTMX)
    assert done.status_code == 286  # htmx swaps it in, then stops polling
    html = done.content.decode()
    assert "hx-trigger" not in html
    assert "3 records, e-mailed to you." in html and "Download file" in html
    assert ops_client.get(url).status_code == 200  # no htmx: nothing to stop


def test_a_repair_jobs_status_polls_while_it_runs_then_reloads_the_page(
        portal, support, support_client):
    sync = quiet_sync(portal)
    job = RepairJob.objects.create(portal=portal, object_sync=sync, kind=RepairKind.RETRY,
                                   category="invalid_value", total=4, status=JobStatus.RUNNING,
                                   requested_by=support.user)
    url = reverse("health:job_status", args=["hubspot", job.pk])

    running = support_client.get(url, **HTMX)
    assert running.status_code == 200 and not running.has_header("HX-Refresh")
    assert "0 of 4 records so far" in running.content.decode()

    RepairJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, succeeded=4)
    done = support_client.get(url, **HTMX)
    assert (done.status_code, done["HX-Refresh"]) == (200, "true")


def test_a_resync_job_is_named_as_the_action_that_started_it(portal, support, support_client):
    sync = quiet_sync(portal)
    job = RepairJob.objects.create(portal=portal, object_sync=sync, kind=RepairKind.RESTORE,
                                   target="app", total=2, status=JobStatus.RUNNING,
                                   requested_by=support.user)
    url = reverse("health:job_status", args=["hubspot", job.pk])

    english = support_client.get(url, **HTMX).content.decode()
    assert "<strong>Resync records deleted in HubSpot</strong>" in english
    portuguese = support_client.get(url, HTTP_ACCEPT_LANGUAGE="pt-BR", **HTMX).content.decode()
    assert "<strong>Sincronizar novamente registros apagados no HubSpot</strong>" in portuguese

    RepairJob.objects.filter(pk=job.pk).update(target="hub")
    portuguese = support_client.get(url, HTTP_ACCEPT_LANGUAGE="pt-BR", **HTMX).content.decode()
    assert "<strong>Sincronizar novamente registros apagados no Syncapp</strong>" in portuguese
