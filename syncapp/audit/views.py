"""The Audit log page and its CSV export, for the portal's super admins only."""

import csv
from functools import wraps
from urllib.parse import urlencode

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from syncapp.accounts.decorators import portal_view
from syncapp.audit import listing, present
from syncapp.audit.models import AuditAction
from syncapp.core.spreadsheet import neutralise

SUPER_ADMIN = gettext_lazy("Super admin")


def super_admin_view(view):
    """A portal page that only the portal's super admins may open."""

    @portal_view()
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.membership.is_super_admin:
            return render(request, "accounts/permission_denied.html",
                          {"missing_permission": SUPER_ADMIN}, status=403)
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
@super_admin_view
def log(request):
    flt = listing.parse_filter(request.GET)
    rows, next_cursor = listing.page(request.portal, flt, request.GET.get("after"))
    for entry in rows:
        entry.change_lines = present.lines(entry.changes)
    query = flt.as_params()
    return render(request, "audit/log.html", {
        "entries": rows, "filter": flt, "filter_query": urlencode(query),
        "next_url": urlencode({**query, "after": next_cursor}) if next_cursor else "",
        "people": listing.people(request.portal),
        "actions": AuditAction.choices, "object_types": listing.OBJECT_TYPES.items(),
        "periods": [(key, label) for key, (_span, label) in listing.PERIODS.items()],
    })


class _Echo:
    def write(self, value):
        return value


def csv_rows(entries):
    """Header then one row per entry, every cell neutralised (as the record exports)."""
    yield [_("When"), _("Person"), _("Action"), _("Object"), _("Object id"), _("Changes"),
           _("IP address")]
    for entry in entries.iterator(chunk_size=1000):
        yield [neutralise(str(cell)) for cell in (
            entry.created_at.isoformat(), entry.actor_label or _("System"),
            entry.get_action_display(), entry.object_label, entry.object_id,
            "\n".join(present.lines(entry.changes)), entry.ip or "")]


@require_GET
@super_admin_view
def export(request):
    flt = listing.parse_filter(request.GET)
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    lines = (writer.writerow(row) for row in csv_rows(listing.entries(request.portal, flt)))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
