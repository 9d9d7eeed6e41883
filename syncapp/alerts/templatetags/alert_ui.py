"""Showing alerts: a rule's label, and the stored ISO times of who was told."""

from datetime import datetime

from django import template

from syncapp.alerts.rules import KINDS

register = template.Library()


@register.filter
def rule_label(kind: str):
    found = KINDS.get(kind)
    return found.label if found else kind


@register.filter
def iso_time(value: str):
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
