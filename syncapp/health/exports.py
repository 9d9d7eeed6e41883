"""Record-view exports: CSV or Excel, built in the background, streamed row by row.

Rows come from a server-side cursor and go straight to the file, so memory does not
grow with the row count. A cell a spreadsheet could read as a formula is
neutralised with a leading apostrophe, as OWASP advises against CSV injection, and
every CSV cell is quoted (see core/spreadsheet.py).
"""

import csv
import re
from pathlib import Path

from django.conf import settings
from django.db.models import CharField, F, Func, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from syncapp.core.spreadsheet import neutralise
from syncapp.core.tasks import send_notification
from syncapp.health.columns import export_headers, reason_text, status_label
from syncapp.health.models import ExportFormat, ExportJob, JobStatus
from syncapp.health.overview import sync_rows
from syncapp.health.records import filtered_links, parse_filter
from syncapp.integrations.catalog import connector_class

# The columns an export reads; timestamps come formatted by Postgres (parsing a
# million of them into datetimes was most of an export's time).
FIELDS = ("object_sync_id", "hub_name", "hub_record_id", "app_name", "app_id", "status",
          "error_category", "exclusion_reason", "error_message")
MOMENTS = ("last_synced_at", "updated_at", "created_at")
XLSX_SHEET_ROWS = 1_000_000  # Excel stops at 1,048,576 rows a sheet
# Characters XML 1.0 (and so .xlsx) cannot hold.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def export_root() -> Path:
    return Path(settings.EXPORT_ROOT)


def _as_text(column: str) -> Func:
    return Coalesce(Func(F(column), Value("YYYY-MM-DD HH24:MI:SS"), function="to_char",
                         output_field=CharField()), Value(""))


class RowMaker:
    """Rows of FIELDS + MOMENTS to the chosen columns' cells; every label is worked out
    once per export, and only text people typed is neutralised."""

    def __init__(self, columns: list[str], app: str, sync_labels: dict[int, str]):
        self.app, self.sync_labels = app, sync_labels
        self._status: dict[str, str] = {}
        self._reason: dict[tuple, str] = {}
        self.getters = [self._getter(name) for name in columns]

    def _getter(self, name: str):
        getters = {
            "object": lambda r: (self.sync_labels.get(r[0], ""),),
            "hub_record": lambda r: (neutralise(r[1]), str(r[2] or "")),
            "app_record": lambda r: (neutralise(r[3]), neutralise(r[4] or "")),
            "status": lambda r: (self.status(r[5]),),
            "reason": lambda r: (self.reason(r[5], r[6], r[7]),),
            "message": lambda r: (neutralise(r[8]),),
            "last_synced": lambda r: (r[9],),
            "last_activity": lambda r: (r[10],),
            "first_seen": lambda r: (r[11],),
        }
        return getters[name]

    def status(self, status: str) -> str:
        if status not in self._status:
            self._status[status] = status_label(status, self.app)
        return self._status[status]

    def reason(self, status: str, category: str, reason: str) -> str:
        key = (status, category, reason)
        if key not in self._reason:
            self._reason[key] = reason_text(status, category, reason, self.app)
        return self._reason[key]

    def cells(self, row: tuple) -> list[str]:
        out: list[str] = []
        for get in self.getters:
            out.extend(get(row))
        return out


def export_rows(job: ExportJob):
    """Every matching link as cells, object sync by object sync, oldest id first."""
    connection = job.connection
    rows = sync_rows(connection)
    app = connector_class(connection.app_key).spec.name
    flt = parse_filter(job.filters, [r.sync.pk for r in rows])
    maker = RowMaker(job.columns, app, {r.sync.pk: r.label for r in rows})
    yield export_headers(job.columns, app)
    for sync_id in flt.sync_ids:
        links = filtered_links(job.portal, flt, sync_id).order_by("id").annotate(
            **{f"{m}_text": _as_text(m) for m in MOMENTS}).values_list(
            *FIELDS, *(f"{m}_text" for m in MOMENTS))
        for row in links.iterator(chunk_size=5000):
            yield maker.cells(row)


def write_csv(path: Path, rows) -> int:
    count = -1  # the header is not a record
    with path.open("w", newline="", encoding="utf-8-sig") as out:  # BOM: Excel reads UTF-8
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_xlsx(path: Path, rows) -> int:
    from openpyxl import Workbook  # noqa: PLC0415 - only exports need it

    book = Workbook(write_only=True)  # rows go to a temporary file as they come
    rows = iter(rows)
    header = next(rows)
    sheet, in_sheet, count = None, 0, 0
    for row in rows:
        if sheet is None or in_sheet == XLSX_SHEET_ROWS:
            sheet = book.create_sheet(_sheet_title(len(book.worksheets)))
            sheet.append(header)
            in_sheet = 0
        sheet.append([_ILLEGAL.sub("", cell) for cell in row])
        in_sheet += 1
        count += 1
    if sheet is None:
        book.create_sheet(_sheet_title(0)).append(header)
    book.save(path)
    return count


def _sheet_title(existing: int) -> str:
    return _("Records") if not existing else _("Records %(n)d") % {"n": existing + 1}


def build_export(job_id: int) -> ExportJob:
    """Build the file, e-mail the requester, and record the outcome on the job."""
    job = ExportJob.objects.select_related("connection", "portal", "requested_by").get(
        pk=job_id)
    if job.status not in (JobStatus.QUEUED, JobStatus.RUNNING):
        return job
    with translation.override(job.language or settings.LANGUAGE_CODE):
        return _build(job)


def _build(job: ExportJob) -> ExportJob:
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    folder = export_root() / str(job.portal_id)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name = f"{job.connection.app_key}-records-{stamp}-{job.pk}.{job.format}"
    writer = write_xlsx if job.format == ExportFormat.XLSX else write_csv
    count = writer(folder / name, export_rows(job))
    job.rows, job.file_name, job.status = count, name, JobStatus.DONE
    job.finished_at = timezone.now()
    if count == 0:
        job.message = _("No record matched the filters; the file holds only the headings.")
    job.save(update_fields=["rows", "file_name", "status", "finished_at", "message"])
    _mail(job)
    return job


def export_path(job: ExportJob) -> Path:
    return export_root() / str(job.portal_id) / job.file_name


def _mail(job: ExportJob) -> None:
    link = settings.SITE_URL + reverse("health:export_download",
                                       args=[job.connection.app_key, job.pk])
    app = connector_class(job.connection.app_key).spec.name
    body = _("Your export of %(count)s %(app)s records from %(portal)s is ready:\n\n"
             "%(link)s\n\nThe link works while you are signed in to Syncapp.") % {
        "count": f"{job.rows:,}", "app": app, "portal": job.portal.name, "link": link}
    # Through the notify queue, so a slow mail server never holds the export worker;
    # sent at once (the job row is saved), in the requester's language (build_export).
    send_notification.delay(_("Your %(app)s record export is ready") % {"app": app}, body,
                            [job.requested_by.email or job.requested_by.get_username()])
