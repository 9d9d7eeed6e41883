"""The record view's columns: which exist, which a user chose and in what order, and
each cell's plain value (the page and the exports show the same thing)."""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from syncapp.core import params
from syncapp.health.models import ColumnChoice
from syncapp.health.tips import error_tip, exclusion_label
from syncapp.syncs.models import FAILED_FALLBACK_CATEGORY, Link, LinkStatus

COLUMNS = {
    "object": gettext_lazy("Object"),
    "hub_record": gettext_lazy("Syncapp record"),
    "app_record": gettext_lazy("App record"),
    "status": gettext_lazy("Sync status"),
    "reason": gettext_lazy("Error or reason"),
    "message": gettext_lazy("App's message"),
    "last_synced": gettext_lazy("Last synced"),
    "last_activity": gettext_lazy("Last activity"),
    "first_seen": gettext_lazy("First seen"),
}
DEFAULT = ["object", "hub_record", "app_record", "status", "reason", "last_synced"]


class UnknownColumn(ValueError):
    pass


def chosen_columns(user, portal) -> list[str]:
    found = ColumnChoice.objects.filter(user=user, portal=portal).first()
    columns = [c for c in (found.columns if found else DEFAULT) if c in COLUMNS]
    return columns or list(DEFAULT)


def parse_columns(shown: list[str], order: dict[str, str]) -> list[str]:
    """Columns to show from the Edit columns form, ordered by their position field."""
    unknown = sorted(set(shown) - set(COLUMNS))
    if unknown:
        raise UnknownColumn(_("There is no column called “%(name)s”.") % {"name": unknown[0]})
    if not shown:
        raise UnknownColumn(_("Choose at least one column."))

    def position(name: str) -> tuple[int, int]:
        rank = params.rank(order.get(name, ""), f"position_{name}", default=999)
        return rank, list(COLUMNS).index(name)

    return sorted(dict.fromkeys(shown), key=position)


def save_columns(user, portal, columns: list[str]) -> None:
    ColumnChoice.objects.update_or_create(user=user, portal=portal,
                                          defaults={"columns": columns})


def status_label(status: str, app: str) -> str:
    if status == LinkStatus.DELETED_IN_APP:
        return _("Deleted in %(app)s") % {"app": app}
    return str(LinkStatus(status).label) if status in LinkStatus.values else status


def reason_text(status: str, category: str, reason: str, app: str) -> str:
    """The error category's or exclusion reason's label, as the tips module words it."""
    if status == LinkStatus.EXCLUDED:
        return exclusion_label(reason)
    if status in FAILED_FALLBACK_CATEGORY:
        return error_tip(category or FAILED_FALLBACK_CATEGORY[status], app).label
    return ""


def export_headers(columns: list[str], app: str) -> list[str]:
    headers = []
    for name in columns:
        if name == "hub_record":
            headers += [_("Syncapp record"), _("Syncapp ID")]
        elif name == "app_record":
            headers += [_("%(app)s record") % {"app": app}, _("%(app)s ID") % {"app": app}]
        else:
            headers.append(str(COLUMNS[name]))
    return headers


@dataclass(frozen=True)
class Cell:
    text: str
    sub: str = ""  # a second, quieter line (an id)
    css: str = ""
    badge: str = ""  # a badge class: the text shows as a badge


@dataclass(frozen=True)
class Row:
    link: Link
    cells: list[Cell]


BADGES = {LinkStatus.IN_SYNC: "badge-success", LinkStatus.EXCLUDED: "badge-plain",
          LinkStatus.PENDING: "badge-info"}


def display_rows(links, columns: list[str], app: str, sync_labels: dict[int, str]) -> list[Row]:
    """The record view's cells, worked out here rather than in template branches: a page
    of fifty rows renders in a few milliseconds."""
    reasons: dict[tuple, str] = {}
    rows = []
    for link in links:
        key = (link.status, link.error_category, link.exclusion_reason)
        if key not in reasons:
            reasons[key] = reason_text(*key, app)
        cells = [_cell(name, link, app, sync_labels, reasons[key]) for name in columns]
        rows.append(Row(link, cells))
    return rows


def _when(value) -> str:
    return date_format(localtime(value), "DATETIME_FORMAT") if value else ""


MOMENTS = {"last_synced": "last_synced_at", "last_activity": "updated_at",
           "first_seen": "created_at"}


def _cell(name: str, link: Link, app: str, sync_labels: dict[int, str], reason: str) -> Cell:
    if name in MOMENTS:
        return Cell(_when(getattr(link, MOMENTS[name])))
    if name == "hub_record":
        return Cell(link.hub_name or (_("(No name)") if link.hub_record_id else ""),
                    f"ID {link.hub_record_id}" if link.hub_record_id else "", "cell-name")
    if name == "app_record":
        return Cell(link.app_name or (_("(No name)") if link.app_id else ""),
                    f"ID {link.app_id}" if link.app_id else "")
    if name == "status":
        return Cell(status_label(link.status, app),
                    badge=BADGES.get(link.status, "badge-danger"))
    if name == "message":
        return Cell(link.error_message, css="cell-message")
    return Cell(sync_labels.get(link.object_sync_id, "") if name == "object" else reason)
