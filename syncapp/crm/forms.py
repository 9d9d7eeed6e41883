"""Forms of the CRM pages. Values are validated by crm.services, not here: a form only
collects raw input and places the services' messages next to the right field."""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from syncapp.core import params
from syncapp.crm.models import PropertyDefinition
from syncapp.crm.schema import READ_ONLY_PROPERTIES, PropertyType

# --- list parameters ----------------------------------------------------------------

SORT_CHOICES = {"name": _("Name"), "updated": _("Last updated"), "created": _("Created")}
DIRECTIONS = ("asc", "desc")
MAX_QUERY = 200


@dataclass(frozen=True)
class ListParams:
    """What a list shows: read from the query string, written back into links."""

    query: str = ""
    sort: str = "name"
    direction: str = "asc"
    after: str = ""
    deleted: bool = False
    from_sync: bool = False  # only the records a sync created (their Record source)

    @classmethod
    def from_query(cls, data) -> "ListParams":
        """Unknown values fall back to the defaults: a stale bookmark still opens."""
        sort = data.get("sort", "")
        direction = data.get("dir", "")
        return cls(
            query=params.text(data.get("q", ""), "q")[:MAX_QUERY],
            sort=sort if sort in SORT_CHOICES else cls.sort,
            direction=direction if direction in DIRECTIONS else cls.direction,
            after=data.get("after", "")[:600],
            deleted=data.get("view") == "deleted",
            from_sync=data.get("view") == "sync",
        )

    def querystring(self, **changes) -> str:
        """'?q=…&sort=…' for these parameters with `changes`, defaults left out."""
        shown = replace(self, **changes)
        pairs = {
            "q": shown.query,
            "view": "deleted" if shown.deleted else ("sync" if shown.from_sync else ""),
            "sort": "" if shown.sort == ListParams.sort else shown.sort,
            "dir": "" if shown.direction == ListParams.direction else shown.direction,
            "after": shown.after,
        }
        encoded = urlencode({k: v for k, v in pairs.items() if v})
        return f"?{encoded}" if encoded else "?"

    def sort_links(self) -> dict[str, dict]:
        """Per sortable column: its link (toggling direction when active) and state."""
        links = {}
        for sort in SORT_CHOICES:
            active = sort == self.sort
            direction = "desc" if active and self.direction == "asc" else "asc"
            links[sort] = {
                "query": self.querystring(sort=sort, direction=direction, after=""),
                "active": active,
                "direction": self.direction if active else "",
            }
        return links


# --- record create / edit ------------------------------------------------------------


class DateWidget(forms.TextInput):
    input_type = "date"


class DateTimeWidget(forms.TextInput):
    input_type = "datetime-local"


class PhoneWidget(forms.TextInput):
    input_type = "tel"


# Long free text reads better in a text area; everything else is one line.
MULTILINE = {
    "description", "content", "hs_call_body", "hs_email_text", "hs_task_body",
    "hs_note_body", "hs_meeting_body",
}


def _widget(definition: PropertyDefinition) -> forms.Widget:
    kind = definition.type
    if kind == PropertyType.ENUMERATION:
        choices = [("", "—"), *definition.display_options]
        return forms.Select(choices=choices)
    if kind == PropertyType.TEXT and definition.name in MULTILINE:
        return forms.Textarea(attrs={"rows": 4})
    widgets = {
        PropertyType.NUMBER: forms.NumberInput(attrs={"step": "any"}),
        PropertyType.DATE: DateWidget(),
        PropertyType.DATETIME: DateTimeWidget(),
        PropertyType.EMAIL: forms.EmailInput(),
        PropertyType.PHONE: PhoneWidget(),
        PropertyType.URL: forms.TextInput(attrs={"inputmode": "url"}),
    }
    return widgets.get(kind, forms.TextInput())


def _initial(definition: PropertyDefinition, stored: str | None):
    """A stored canonical value as the HTML input wants it."""
    if stored is None:
        return None
    if definition.type == PropertyType.BOOLEAN:
        return stored == "true"
    if definition.type == PropertyType.DATETIME:
        return stored[:16]  # 2024-03-31T14:30:00Z -> 2024-03-31T14:30 (UTC)
    return stored


class RecordForm(forms.Form):
    """One field per property definition of the portal's object type."""

    def __init__(self, definitions, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Read-only properties (Record source) are shown on the record, never edited.
        self.definitions = [d for d in definitions if d.name not in READ_ONLY_PROPERTIES]
        self.record = record
        stored = record.properties if record else {}
        for definition in self.definitions:
            if definition.type == PropertyType.BOOLEAN:
                field = forms.BooleanField(required=False)
            else:
                field = forms.CharField(required=False, widget=_widget(definition))
            field.label = definition.display_label
            if definition.type == PropertyType.DATETIME:
                field.help_text = _("In UTC.")
            self.fields[definition.name] = field
            self.initial[definition.name] = _initial(definition, stored.get(definition.name))

    def values(self) -> dict[str, str]:
        """Raw values for crm.services; "" clears a property."""
        stored = self.record.properties if self.record else {}
        values = {}
        for definition in self.definitions:
            value = self.cleaned_data.get(definition.name)
            if definition.type == PropertyType.BOOLEAN:
                # An unticked box clears nothing it never held: "no" only replaces a value.
                value = "true" if value else ("false" if definition.name in stored else "")
            values[definition.name] = value or ""
        return values

    def add_service_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            field = self.fields.get(name)
            if isinstance(getattr(field, "widget", None), DateWidget | DateTimeWidget):
                # A date input cannot show text it did not produce; a text box can.
                field.widget.input_type = "text"
            self.add_error(name if field else None, message)

    def groups(self) -> list[tuple[str, list]]:
        """Bound fields grouped as the record page groups them."""
        grouped: dict[str, list] = {}
        for definition in self.definitions:
            grouped.setdefault(definition.group, []).append(self[definition.name])
        return [(str(group_label(group)), fields) for group, fields in grouped.items()]


GROUP_LABELS = {"info": _("About"), "address": _("Address")}


def group_label(group: str) -> str:
    return GROUP_LABELS.get(group, group.replace("_", " ").capitalize())


# --- associations and custom properties ---------------------------------------------------


class AssociationForm(forms.Form):
    record = forms.IntegerField(label=_("Record"), min_value=1)


class CustomPropertyForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=200)
    name = forms.CharField(
        label=_("Internal name"), max_length=100, required=False,
        help_text=_("Used by integrations. Left empty, it is made from the label."),
    )
    type = forms.ChoiceField(label=_("Field type"), choices=PropertyType.choices)
    options = forms.CharField(
        label=_("Options"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For dropdowns: one option per line."),
    )

    def add_service_errors(self, errors: dict[str, str]) -> None:
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
