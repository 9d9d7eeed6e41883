"""Exports: every matching record, formulas neutralised, built in the background, mailed."""

import csv

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from syncapp.core.tasks import send_notification
from syncapp.health import export_start, exports
from syncapp.health.models import ExportJob, JobStatus
from syncapp.health.records import parse_filter
from syncapp.syncs.models import Link, LinkStatus
from tests.kits.health import many_links, quiet_sync

pytestmark = pytest.mark.django_db

DANGEROUS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+2", "-3+4", "@SUM(A1)",
             "\tTabbed", "\rReturned",
             # after a separator: pt-BR Excel splits cells at ";" and reads the rest
             ";=1+1", "Ann;=1+1", "Ann,+1+2", "Ann\t-3+4", "Ann;@SUM(A1)", "Ann,\rx"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_cells_a_spreadsheet_would_evaluate_are_neutralised(value):
    assert exports.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Ann", "ann@acme.com", "", "1-2", "a=b", "Smith, Ann",
                                   "a; b", "Ann; =1"])
def test_ordinary_cells_are_kept_as_they_are(value):
    assert exports.neutralise(value) == value


@pytest.fixture(autouse=True)
def notify_at_once(monkeypatch):
    """The export-ready mail goes through the notify queue; here it is sent at once, as
    a notify worker would (tests/core/test_queues.py checks the queue, the e2e stack a
    real notify worker), so the shared broker receives nothing."""
    monkeypatch.setattr(send_notification, "delay", send_notification.run)


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = str(tmp_path)
    return tmp_path


def dangerous_sync(portal):
    sync = quiet_sync(portal)
    for i, value in enumerate(DANGEROUS):
        Link.objects.create(portal=portal, object_sync=sync, app_id=f"x{i}", app_name=value,
                            hub_name=value, status=LinkStatus.FAILED,
                            error_category="invalid_value", error_message=value)
    many_links(sync, 3)
    return sync


def start(portal, sync, user, fmt, **params):
    flt = parse_filter(params, [sync.pk])
    return export_start.start_export(portal, sync.connection, user, fmt=fmt, flt=flt,
                                columns=["object", "hub_record", "app_record", "status",
                                         "reason", "message"])


def test_a_csv_export_holds_every_record_with_formulas_neutralised(
        portal, ops, export_root, django_capture_on_commit_callbacks):
    sync = dangerous_sync(portal)
    job = start(portal, sync, ops.user, "csv")
    job = exports.build_export(job.pk)

    with exports.export_path(job).open(newline="", encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    assert rows[0][:3] == ["Object", "Syncapp record", "Syncapp ID"]
    assert len(rows) == 1 + len(DANGEROUS) + 3 == job.rows + 1
    cells = [cell for row in rows[1:] for cell in row]
    for value in DANGEROUS:
        assert cells.count("'" + value) == 3  # Syncapp name, app name, message
        assert value not in cells
    assert "Property value invalid" in cells
    text = exports.export_path(job).read_text(encoding="utf-8-sig")
    assert '"\';=1+1"' in text  # quoted too: no reader splits the cell at its ";"


def test_the_file_is_written_in_the_requesters_language(portal, ops, export_root):
    sync = dangerous_sync(portal)
    with translation.override("pt-br"):
        job = start(portal, sync, ops.user, "csv")
    job = exports.build_export(job.pk)  # in a worker, whatever language it runs in

    with exports.export_path(job).open(newline="", encoding="utf-8-sig") as file:
        header = next(csv.reader(file))
    assert header[:2] == ["Objeto", "Registro do Syncapp"]
    assert mail.outbox[0].subject.startswith("Sua exportação")


def test_an_excel_export_holds_text_never_formulas(portal, ops, export_root):
    sync = dangerous_sync(portal)
    job = exports.build_export(start(portal, sync, ops.user, "xlsx").pk)

    sheet = load_workbook(exports.export_path(job)).active
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    assert sheet.max_row == 1 + len(DANGEROUS) + 3
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in values
    assert "';=1+1" in values and "Ann;=1+1" not in values


def test_the_export_is_mailed_and_only_its_requester_downloads_it(
        portal, ops, support, export_root, ops_client, support_client, outsider_client):
    sync = dangerous_sync(portal)
    job = exports.build_export(start(portal, sync, ops.user, "csv", status="in_sync").pk)

    assert job.rows == 3
    (message,) = mail.outbox
    assert message.to == [ops.user.email or ops.user.get_username()]
    url = reverse("health:export_download", args=["hubspot", job.pk])
    assert url in message.body
    assert ops_client.get(url).status_code == 200
    assert support_client.get(url).status_code == 404
    assert outsider_client.get(url).status_code == 404


def test_an_export_of_nothing_is_refused_with_a_message(portal, ops_client, export_root):
    sync = quiet_sync(portal)
    many_links(sync, 2)
    url = reverse("health:export", args=["hubspot"]) + f"?account={sync.connection_id}"
    reply = ops_client.post(url, {"format": "csv", "status": "failed"}, follow=True)
    assert "Nothing to export" in reply.content.decode()
    assert not ExportJob.objects.exists()


def test_the_export_request_queues_a_job_for_the_current_filters(
        portal, ops, ops_client, export_root, django_capture_on_commit_callbacks):
    sync = dangerous_sync(portal)
    url = reverse("health:export", args=["hubspot"]) + f"?account={sync.connection_id}"
    with django_capture_on_commit_callbacks() as queued:
        ops_client.post(url, {"format": "xlsx", "status": "failed", "period": "7d"})
    job = ExportJob.objects.get()
    assert (job.format, job.filters, job.status) == (
        "xlsx", {"status": "failed", "period": "7d"}, JobStatus.QUEUED)
    assert len(queued) == 1
