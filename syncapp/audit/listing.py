"""The Audit log page's query: its filters, keyset pages and CSV rows.

Every value comes through syncapp/core/params.py, so a bad filter is a 400 naming the
field; every query starts from the portal, so no portal ever sees another's entries.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from syncapp.audit.models import AuditAction, AuditEntry
from syncapp.core import params

PAGE_SIZE = 50
PERIODS = {"24h": (dt.timedelta(hours=24), gettext_lazy("Last 24 hours")),
           "7d": (dt.timedelta(days=7), gettext_lazy("Last 7 days")),
           "30d": (dt.timedelta(days=30), gettext_lazy("Last 30 days")),
           "365d": (dt.timedelta(days=365), gettext_lazy("Last year"))}
OBJECT_TYPES = {"connection": gettext_lazy("Account"),
                "objectsync": gettext_lazy("Sync"),
                "membership": gettext_lazy("Member"),
                "invitation": gettext_lazy("Invitation"),
                "subscription": gettext_lazy("Webhook"),
                "rulesilence": gettext_lazy("Alert rule")}


@dataclass
class AuditFilter:
    person: int | None = None
    action: str = ""
    object_type: str = ""
    period: str = ""

    def as_params(self) -> dict:
        found = {"person": self.person or "", "action": self.action,
                 "object": self.object_type, "period": self.period}
        return {key: value for key, value in found.items() if value}


def _choice(query, field: str, allowed) -> str:
    value = params.text(query.get(field), field, max_length=40)
    if value and value not in allowed:
        raise params.BadParam(field, _("“%(field)s”: choose a value from the list.")
                              % {"field": field})
    return value


def parse_filter(query) -> AuditFilter:
    """The page's filters from a query dict; BadParam names the first bad one."""
    return AuditFilter(person=params.optional_id(query.get("person"), "person"),
                       action=_choice(query, "action", AuditAction.values),
                       object_type=_choice(query, "object", OBJECT_TYPES),
                       period=_choice(query, "period", PERIODS))


def entries(portal, flt: AuditFilter):
    """The portal's entries matching `flt`, newest first (the keyset order)."""
    rows = AuditEntry.objects.filter(portal=portal).select_related("actor")
    if flt.person:
        rows = rows.filter(actor_id=flt.person)
    if flt.action:
        rows = rows.filter(action=flt.action)
    if flt.object_type:
        rows = rows.filter(object_type=flt.object_type)
    if flt.period:
        rows = rows.filter(created_at__gte=timezone.now() - PERIODS[flt.period][0])
    return rows.order_by("-created_at", "-id")


def page(portal, flt: AuditFilter, after_raw: str | None) -> tuple[list, str]:
    """One page after the cursor, and the cursor of the next page ("" on the last)."""
    rows = entries(portal, flt)
    after = params.moment_cursor(after_raw, "after")
    if after:
        moment, last_id = after
        rows = rows.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=last_id))
    found = list(rows[:PAGE_SIZE + 1])
    if len(found) <= PAGE_SIZE:
        return found, ""
    last = found[PAGE_SIZE - 1]
    return found[:PAGE_SIZE], f"{last.pk}:{last.created_at.isoformat()}"


def people(portal):
    """The portal's members, for the person filter."""
    return get_user_model().objects.filter(memberships__portal=portal).order_by("username")
