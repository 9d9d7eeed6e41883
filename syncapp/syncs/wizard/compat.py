"""Which app field may be mapped to which hub property, and which way it then syncs.

The rules of the product we follow (its "data sync field mapping rules"), as one
pure function over field types:

- both ways: text ⇔ text, number ⇔ number, date ⇔ date, datetime ⇔ datetime,
  date ⇔ datetime, single checkbox ⇔ single checkbox, radio select ⇔ radio select,
  dropdown ⇔ dropdown (picklist), the latter with an option-by-option value map;
- one way into a hub *text* property from an app number, date, datetime,
  checkbox or owner field;
- one way into an app *text* field from a hub number, date, datetime, checkbox,
  multiple checkboxes, calculation or score;
- a field that is read-only on one side syncs one way, from that side.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TWO_WAY, TO_HUB, TO_APP = "two_way", "to_hub", "to_app"
NONE = "none"  # a mapping the sync's direction leaves with no way to go

# Types that hold free text, whatever their format checks.
TEXT_TYPES = {"text", "textarea", "email", "phone", "url"}
# Fields that can identify a record, so records may be matched by them ("choose your
# fields"): free text, and numbers (ids, codes).
MATCHABLE_TYPES = TEXT_TYPES | {"number"}
MAX_MATCH_FIELDS = 5
# Hub types computed by the hub itself: never written by a sync.
COMPUTED_TYPES = {"calculation", "score"}

TWO_WAY_PAIRS = {
    ("text", "text"), ("number", "number"), ("date", "date"), ("datetime", "datetime"),
    ("date", "datetime"), ("datetime", "date"), ("boolean", "boolean"), ("radio", "radio"),
    ("enumeration", "enumeration"),
}
INTO_HUB_TEXT = {"number", "date", "datetime", "boolean", "owner"}
INTO_APP_TEXT = {"number", "date", "datetime", "boolean", "multi_enumeration",
                 "calculation", "score"}

TYPE_LABELS = {
    "text": gettext_lazy("text"),
    "textarea": gettext_lazy("multi-line text"),
    "email": gettext_lazy("email"),
    "phone": gettext_lazy("phone number"),
    "url": gettext_lazy("URL"),
    "number": gettext_lazy("number"),
    "date": gettext_lazy("date"),
    "datetime": gettext_lazy("date and time"),
    "boolean": gettext_lazy("single checkbox"),
    "enumeration": gettext_lazy("dropdown"),
    "radio": gettext_lazy("radio select"),
    "multi_enumeration": gettext_lazy("multiple checkboxes"),
    "owner": gettext_lazy("owner"),
    "reference": gettext_lazy("record reference"),
    "calculation": gettext_lazy("calculation"),
    "score": gettext_lazy("score"),
}


@dataclass(frozen=True)
class FieldInfo:
    """A field of either side, as the wizard's menus and rules see it."""

    name: str
    label: str
    type: str
    read_only: bool = False
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    custom: bool = False

    @property
    def kind(self) -> str:
        return "text" if self.type in TEXT_TYPES else self.type

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS.get(self.type, self.type))

    @property
    def writable(self) -> bool:
        return not self.read_only and self.type not in COMPUTED_TYPES


@dataclass(frozen=True)
class PairRule:
    """What the rules say of one (app field, hub property) pair."""

    direction: str | None  # None: the pair is refused
    reason: str
    forced: bool = False  # one way although both types could go both ways
    needs_value_map: bool = False  # dropdown <-> dropdown: option-by-option

    @property
    def allowed(self) -> bool:
        return self.direction is not None


def base_direction(app_kind: str, hub_kind: str) -> str | None:
    """The direction the two types allow, before read-only fields are considered."""
    if (app_kind, hub_kind) in TWO_WAY_PAIRS:
        return TWO_WAY
    if hub_kind == "text" and app_kind in INTO_HUB_TEXT:
        return TO_HUB
    if app_kind == "text" and hub_kind in INTO_APP_TEXT:
        return TO_APP
    return None


def pair_rule(app: FieldInfo, hub: FieldInfo, app_name: str = "") -> PairRule:
    """Whether `app` may be mapped to `hub`, which way, and the rule in words."""
    names = {"app": app.label, "hub": hub.label, "app_type": app.type_label,
             "hub_type": hub.type_label, "app_name": app_name or _("the app")}
    direction = base_direction(app.kind, hub.kind)
    if direction is None:
        return PairRule(None, refusal(app, names))
    value_map = (app.kind, hub.kind) == ("enumeration", "enumeration")
    if not app.writable or not hub.writable:
        return _read_only_rule(direction, app, hub, names, value_map)
    return PairRule(direction, _explain(direction, app, names), needs_value_map=value_map)


def _read_only_rule(direction: str, app: FieldInfo, hub: FieldInfo, names: dict,
                    value_map: bool) -> PairRule:
    """A side that can't be written: the pair syncs one way from it, or not at all."""
    if not app.writable and not hub.writable:
        return PairRule(None, _("“%(app)s” and “%(hub)s” are both read-only: nothing could "
                                "be written on either side.") % names)
    if not app.writable:
        if direction == TO_APP:
            return PairRule(None, _("A %(hub_type)s syncs only into a text field of "
                                    "%(app_name)s, and “%(app)s” is read-only there.") % names)
        return PairRule(TO_HUB, _("“%(app)s” is read-only in %(app_name)s, so it syncs one "
                                  "way, into Syncapp.") % names, direction == TWO_WAY, value_map)
    if direction == TO_HUB:
        return PairRule(None, _("A %(app_type)s syncs only into a Syncapp text property, "
                                "and “%(hub)s” is computed by Syncapp.") % names)
    return PairRule(TO_APP, _("“%(hub)s” is computed by Syncapp, so it syncs one way, "
                              "into %(app_name)s.") % names, direction == TWO_WAY, value_map)


def _explain(direction: str, app: FieldInfo, names: dict) -> str:
    if direction == TO_HUB:
        return _("A %(app_type)s field of %(app_name)s syncs one way into a Syncapp text "
                 "property: text can't be turned back into a %(app_type)s.") % names
    if direction == TO_APP:
        return _("A Syncapp %(hub_type)s syncs one way into a text field of %(app_name)s: "
                 "text can't be turned back into a %(hub_type)s.") % names
    if app.kind == "enumeration":
        return _("A dropdown syncs both ways with a dropdown; choose below which option "
                 "becomes which.") % names
    return _("A %(app_type)s syncs both ways with a %(hub_type)s.") % names


def effective_direction(mapping: str, sync: str) -> str:
    """Which way a mapping syncs once the sync's own direction is applied."""
    if sync == TWO_WAY:
        return mapping
    if mapping in (TWO_WAY, sync):
        return sync
    return NONE


def partners_of(kind: str) -> list[str]:
    """Hub kinds an app field of `kind` can be mapped to, for the refusal text."""
    kinds = sorted({hub for app, hub in TWO_WAY_PAIRS if app == kind})
    if kind in INTO_HUB_TEXT and "text" not in kinds:
        kinds.append("text")
    return kinds


def refusal(app: FieldInfo, names: dict) -> str:
    allowed = partners_of(app.kind)
    if app.kind == "text":
        allowed = sorted({"text", *INTO_APP_TEXT} - COMPUTED_TYPES) + sorted(COMPUTED_TYPES)
    head = _("A %(app_type)s field can't be mapped to a %(hub_type)s property.") % names
    if not allowed:
        return head + " " + _("Fields of this type are not mapped.")
    listed = ", ".join(str(TYPE_LABELS.get(kind, kind)) for kind in allowed)
    return head + " " + _("It pairs with: %(list)s.") % {"list": listed}


def rules_table() -> list[tuple[str, str, str]]:
    """(app type, hub type, direction) rows for the page's "which fields map" table."""
    rows = [(str(TYPE_LABELS[a]), str(TYPE_LABELS[h]), TWO_WAY)
            for a, h in sorted(TWO_WAY_PAIRS) if not (a == "datetime" and h == "date")]
    rows += [(str(TYPE_LABELS[a]), str(TYPE_LABELS["text"]), TO_HUB)
             for a in sorted(INTO_HUB_TEXT)]
    rows += [(str(TYPE_LABELS["text"]), str(TYPE_LABELS[h]), TO_APP)
             for h in sorted(INTO_APP_TEXT)]
    return rows
