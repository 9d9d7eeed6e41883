"""Custom properties: the one place a portal's property definitions grow."""

import re

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from syncapp.crm.models import PropertyDefinition
from syncapp.crm.schema import PropertyType
from syncapp.crm.services import RecordInvalid

# Internal names look like HubSpot's: lower case, digits and underscores, from a letter.
_INTERNAL_NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
MAX_OPTIONS = 500


def internal_name_for(label: str) -> str:
    """A suggested internal name: 'Favourite colour' -> 'favourite_colour'."""
    name = slugify(label).replace("-", "_").strip("_")
    if name and not name[0].isalpha():
        name = f"p_{name}"
    return name[:100]


def parse_options(text: str) -> list[dict[str, str]]:
    """One option per line; blank and repeated lines are dropped, order is kept."""
    options: list[dict[str, str]] = []
    seen: set[str] = set()
    for line in text.splitlines():
        value = line.strip()
        if value and value not in seen:
            seen.add(value)
            options.append({"value": value, "label": value})
    return options


def _check(portal, object_type: str, *, label: str, name: str, kind: str, options: list) -> dict:
    errors = {}
    if not label:
        errors["label"] = _("Enter a label.")
    if not _INTERNAL_NAME.match(name):
        errors["name"] = _(
            "Use lower-case letters, digits and underscores, starting with a letter."
        )
    elif (
        PropertyDefinition.objects.for_portal(portal)
        .filter(object_type=object_type, name=name)
        .exists()
    ):
        errors["name"] = _("A property named “%(name)s” already exists.") % {"name": name}
    if kind not in PropertyType.values:
        errors["type"] = _("Choose a field type.")
    if kind == PropertyType.ENUMERATION and not options:
        errors["options"] = _("A dropdown needs at least one option, one per line.")
    if len(options) > MAX_OPTIONS:
        errors["options"] = _("At most %(max)s options.") % {"max": MAX_OPTIONS}
    return errors


@transaction.atomic
def create_custom_property(
    portal, object_type: str, *, label: str, name: str = "", kind: str, options_text: str = ""
) -> PropertyDefinition:
    """Add a custom property to an object type, or raise RecordInvalid keyed by form field."""
    label = label.strip()
    name = name.strip() or internal_name_for(label)
    options = parse_options(options_text) if kind == PropertyType.ENUMERATION else []
    errors = _check(portal, object_type, label=label, name=name, kind=kind, options=options)
    if errors:
        raise RecordInvalid(errors)
    last = (
        PropertyDefinition.objects.for_portal(portal)
        .filter(object_type=object_type)
        .aggregate(last=Max("position"))["last"]
    )
    try:
        with transaction.atomic():
            return PropertyDefinition.objects.create(
                portal=portal, object_type=object_type, name=name, label=label, type=kind,
                options=options, is_custom=True, position=(last or 0) + 1,
            )
    except IntegrityError:  # created by someone else since the check above
        raise RecordInvalid(
            {"name": _("A property named “%(name)s” already exists.") % {"name": name}}
        ) from None
