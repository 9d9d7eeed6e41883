"""Template helpers of the product shell and the CRM pages."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from syncapp.crm.schema import ACTIVITY_TYPES, SINGULAR, ObjectType, PropertyType

register = template.Library()

# The CRM menu: records first, activities in their own group, as HubSpot orders them.
MENU_TYPES = (
    ObjectType.CONTACT, ObjectType.COMPANY, ObjectType.DEAL, ObjectType.PRODUCT,
    ObjectType.LEAD, ObjectType.TICKET, ObjectType.INVOICE,
)
UNDO_TAG = "undo:"
# Each language named in itself, as a reader of that language looks for it.
ENDONYMS = {"en": "English", "pt-br": "Português (Brasil)"}


def _menu_item(object_type: ObjectType) -> dict:
    return {
        "type": object_type.value,
        "label": object_type.label,
        "url": reverse("crm:list", args=[object_type.value]),
    }


@register.simple_tag
def crm_menu() -> dict:
    return {
        "records": [_menu_item(t) for t in MENU_TYPES],
        "activities": [_menu_item(t) for t in ACTIVITY_TYPES],
    }


@register.filter
def singular(object_type: str) -> str:
    return str(SINGULAR.get(object_type, object_type))


@register.filter
def type_label(object_type: str) -> str:
    try:
        return str(ObjectType(object_type).label)
    except ValueError:
        return object_type


@register.filter
def endonym(language: dict) -> str:
    return ENDONYMS.get(language["code"], language["name_local"])


@register.filter
def undo_url(message) -> str:
    """The restore URL a "Deleted …" message carries in its extra tags, or ""."""
    tags = getattr(message, "extra_tags", "") or ""
    return tags.removeprefix(UNDO_TAG) if tags.startswith(UNDO_TAG) else ""


def _date(text: str) -> str:
    return formats.date_format(dt.date.fromisoformat(text), "DATE_FORMAT")


def _datetime(text: str) -> str:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _number(text: str) -> str:
    return formats.number_format(Decimal(text), use_l10n=True, force_grouping=True)


def _boolean(text: str) -> str:
    return _("Yes") if text == "true" else _("No")


_FORMATTERS = {
    PropertyType.DATE: _date,
    PropertyType.DATETIME: _datetime,
    PropertyType.NUMBER: _number,
    PropertyType.BOOLEAN: _boolean,
}


@register.simple_tag
def display_value(definition, value) -> str:
    """A stored value as a reader expects it: option labels, local dates, grouped numbers.

    Returned as plain text: the template engine escapes it.
    """
    if value is None or value == "":
        return ""
    value = str(value)
    if definition is None:
        return value
    if definition.type == PropertyType.ENUMERATION:
        return str(definition.option_label(value))
    formatter = _FORMATTERS.get(definition.type)
    if formatter is None:
        return value
    try:
        return formatter(value)
    except (ValueError, InvalidOperation):
        return value  # stored before a type change: show it as it is


@register.simple_tag
def property_value(record, definition) -> str:
    return display_value(definition, record.properties.get(definition.name))
