"""Everything an object sync's settings say, in plain sentences (Review, sync page)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from syncapp.crm.identifier_table import in_a_sentence
from syncapp.crm.schema import ObjectType
from syncapp.syncs.configure import PERSON_TYPES
from syncapp.syncs.wizard.compat import FieldInfo
from syncapp.syncs.wizard.field_rules import field_rule_sentences
from syncapp.syncs.wizard.state import FilterChoice, SyncSettings
from syncapp.syncs.wizard.validate import NO_VALUE, OPERATOR_LABELS


@dataclass(frozen=True)
class Labels:
    """Field names to labels, falling back to the name of a field that is gone."""

    app_fields: dict[str, FieldInfo]
    hub_fields: dict[str, FieldInfo]

    def app(self, name: str) -> str:
        info = self.app_fields.get(name)
        return info.label if info else name

    def hub(self, name: str) -> str:
        info = self.hub_fields.get(name)
        return info.label if info else name

    def app_value(self, name: str, value):
        return _option_label(self.app_fields.get(name), value)

    def hub_value(self, name: str, value):
        return _option_label(self.hub_fields.get(name), value)


def _option_label(info: FieldInfo | None, value):
    """A dropdown's value as people read it (its option's label)."""
    if info is None or not info.options or value is None:
        return value
    return dict(info.options).get(value, value)


@dataclass
class Section:
    title: str
    sentences: list[str] = field(default_factory=list)
    step: str = ""  # the wizard step that sets it, for an Edit link


@dataclass(frozen=True)
class Names:
    """How the two sides and their objects are called on these pages."""

    app: str  # "Pipedrive"
    account: str
    app_object: str  # "Persons"
    hub_object: str  # "contact"

    @property
    def hub_plural(self) -> str:
        try:
            return str(ObjectType(self.hub_object).label)
        except ValueError:
            return self.hub_object

    @property
    def hub_lower(self) -> str:
        """The plural inside a sentence ("only contacts with …")."""
        return self.hub_plural.lower()


def direction_sentence(direction: str, names: Names) -> str:
    values = {"app": names.app, "hub": names.hub_lower, "object": names.app_object}
    if direction == "to_hub":
        return _("One way, %(app)s to Syncapp: new and updated %(object)s come into Syncapp; "
                 "nothing is written to %(app)s.") % values
    if direction == "to_app":
        return _("One way, Syncapp to %(app)s: new and updated %(hub)s go to %(app)s; "
                 "nothing is written to Syncapp.") % values
    return _("Two-way: new and updated records sync both ways; for records that exist on "
             "both sides, their properties are merged.") % values


def winner_sentences(winner: str, names: Names) -> list[str]:
    won, other = ("Syncapp", names.app) if winner == "hub" else (names.app, "Syncapp")
    values = {"won": won, "other": other}
    return [
        _("When a value differs on the two sides, %(won)s wins.") % values,
        _("An empty value in %(won)s changes nothing in %(other)s, and this never overrides "
          "the sync direction.") % values,
    ]


def matching_sentence(settings: SyncSettings, names: Names, labels: Labels) -> str:
    if settings.matching == "none":
        return _("No matching: every record is created on the other side, even when a "
                 "similar one exists.")
    if settings.matching == "custom":
        pairs = _(", then ").join(
            _("%(app)s's “%(field)s” = Syncapp's “%(property)s”") % {
                "app": names.app, "field": labels.app(app), "property": labels.hub(hub)}
            for app, hub in settings.match_fields)
        return _("Records are matched by %(pairs)s (trimmed, ignoring case). The first pair "
                 "that finds any record decides; several records found make a duplicate, "
                 "which fails instead of being linked.") % {"pairs": pairs}
    words = in_a_sentence(names.hub_object)
    if words is None:
        return _("%(hub)s have no identifier: every record is created on the other side.") % {
            "hub": names.hub_plural}
    return _("Before anything is created, records are matched by %(keys)s.") % {"keys": words}


def filter_sentence(row: FilterChoice, label: str) -> str:
    operator = str(OPERATOR_LABELS.get(row.operator, row.operator))
    if row.operator in NO_VALUE:
        return f"{label} {operator}"
    value = ", ".join(row.value) if isinstance(row.value, list) else str(row.value)
    return f"{label} {operator} “{value}”"


def limits_sentences(settings: SyncSettings, names: Names, labels: Labels) -> list[str]:
    lines = []
    if names.hub_object in PERSON_TYPES:
        lines.append(_("Only %(hub)s with an email address sync.") % {"hub": names.hub_lower}
                     if settings.email_only else
                     _("%(hub)s without an email address sync too (duplicates become "
                       "likelier).") % {"hub": names.hub_plural})
    sides = (("app", names.app, "Syncapp", labels.app), ("hub", "Syncapp", names.app,
                                                          labels.hub))
    for side, source, target, label in sides:
        rows = settings.filters_for(side)
        values = {"source": source, "target": target}
        if rows:
            conditions = _(" and ").join(filter_sentence(r, label(r.field)) for r in rows)
            lines.append(_("From %(source)s to %(target)s, only records where %(conditions)s.")
                         % {**values, "conditions": conditions})
        else:
            lines.append(_("From %(source)s to %(target)s, every record is considered.")
                         % values)
    lines.append(_("Limits apply to the initial linking of records only: once linked, a "
                   "record keeps syncing whatever its values become."))
    return lines


def mapping_sentence(settings: SyncSettings) -> str:
    active = settings.active_mappings()
    custom = sum(1 for m in active if not m.is_default)
    off = len(settings.mappings) - len(active)
    syncing = ngettext("%(on)s field mapping syncs (%(custom)s custom).",
                       "%(on)s field mappings sync (%(custom)s custom).", len(active))
    sentence = syncing % {"on": len(active), "custom": custom}
    if off:
        sentence += " " + ngettext("%(off)s is off.", "%(off)s are off.", off) % {"off": off}
    return sentence


def sections(settings: SyncSettings, names: Names, labels: Labels, lifecycle_label: str = "",
             associations=()) -> list[Section]:
    values = {"app": names.app, "account": names.account, "object": names.app_object,
              "hub": names.hub_plural}
    result = [
        Section(_("Object"), [_("%(object)s in %(app)s (account “%(account)s”) sync with "
                                "%(hub)s in Syncapp.") % values]),
        Section(_("Direction"), [direction_sentence(settings.direction, names)], "configure"),
        Section(_("Conflicts"), [
            *winner_sentences(settings.winner, names),
            *field_rule_sentences(settings, labels.app_fields, labels.hub_fields, names.app)],
            "configure"),
        Section(_("Record matching"), [matching_sentence(settings, names, labels)],
                "configure"),
    ]
    if names.hub_object in PERSON_TYPES:
        result.append(Section(_("Lifecycle stage"), [
            _("%(hub)s arriving from %(app)s without a lifecycle stage get “%(stage)s”.")
            % {**values, "stage": lifecycle_label} if lifecycle_label else
            _("No default lifecycle stage is set.")], "configure"))
    result.append(Section(_("Field mappings"), [mapping_sentence(settings)], "mappings"))
    result.append(Section(_("Limits"), limits_sentences(settings, names, labels), "limits"))
    if associations:
        result.append(Section(_("Associations"), [
            f"{row.hub_pair}: {row.note}" for row in associations], "mappings"))
    return result
