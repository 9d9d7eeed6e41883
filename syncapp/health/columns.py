"""The record view's columns: which exist, which a user chose and in what order, and
each cell's plain value (the page and the exports show the same thing)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from syncapp.health.counts import PROBLEMS
from syncapp.health.models import ColumnChoice
from syncapp.health.tips import error_tip, exclusion_label
from syncapp.syncs.models import LinkStatus

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
        raw = order.get(name, "")
        rank = int(raw) if raw.strip().isdigit() else 999
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
    if status in PROBLEMS:
        fallback = "deleted_in_hub" if status == LinkStatus.DELETED_IN_HUB else "not_found"
        if status == LinkStatus.FAILED:
            fallback = "unknown"
        return error_tip(category or fallback, app).label
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
