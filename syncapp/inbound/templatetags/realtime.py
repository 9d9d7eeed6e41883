"""`{% realtime_status sync %}`: the sync page's real-time line (inbound/status.py)."""

from django import template

from syncapp.inbound.status import realtime

register = template.Library()


@register.inclusion_tag("inbound/realtime_status.html")
def realtime_status(sync):
    return {"realtime": realtime(sync)}
