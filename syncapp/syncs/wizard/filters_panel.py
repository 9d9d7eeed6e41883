"""The Limit step's right-hand panel: the conditions of one direction, row by row.

The panel is a plain form (it works without JavaScript): Add condition, Remove
and a change of property re-show it; Done checks every row and keeps them all,
or none.
"""

import dataclasses
import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from syncapp.core import params
from syncapp.syncs.models import ObjectSync
from syncapp.syncs.wizard import state
from syncapp.syncs.wizard.compat import FieldInfo
from syncapp.syncs.wizard.state import FilterChoice
from syncapp.syncs.wizard.summary import filter_sentence
from syncapp.syncs.wizard.validate import (
    NO_VALUE,
    OPERATOR_LABELS,
    Invalid,
    clean_filter,
    operators_for,
)

MAX_ROWS = 20
PLACEHOLDERS = {"number": "1000", "date": "YYYY-MM-DD", "datetime": "YYYY-MM-DD",
                "boolean": "yes / no"}


@dataclass
class Row:
    index: int
    field: str = ""
    operator: str = ""
    value: str = ""
    operators: list = dataclasses.field(default_factory=list)  # (value, label)
    options: list = dataclasses.field(default_factory=list)  # the property's options, if any
    placeholder: str = ""
    needs_value: bool = True
    error: str = ""


@dataclass
class Panel:
    side: str
    title: str
    description: str
    url: str
    fields: list[FieldInfo]
    rows: list[Row]
    is_open: bool = False
    done: bool = False
    error: str | None = None
    cleaned: list[FilterChoice] = dataclasses.field(default_factory=list)
    current: list[str] = dataclasses.field(default_factory=list)  # the saved conditions, read

    @property
    def dialog_id(self) -> str:
        return f"filters-{self.side}"


def _row(index: int, fields: dict[str, FieldInfo], name: str, operator: str, value) -> Row:
    info = fields.get(name)
    allowed = operators_for(info) if info else tuple(OPERATOR_LABELS)
    shown = ", ".join(map(str, value)) if isinstance(value, list) else (
        "" if value is None else str(value))
    return Row(index, name, operator, shown,
               operators=[(op, str(OPERATOR_LABELS[op])) for op in allowed],
               options=list(info.options) if info and operator != "is_any_of" else [],
               placeholder=PLACEHOLDERS.get(info.kind, "") if info else "",
               needs_value=operator not in NO_VALUE)


def _describe(side: str, app_name: str) -> tuple[str, str]:
    if side == "app":
        return (_("%(app)s → Syncapp") % {"app": app_name},
                _("Which %(app)s records may be linked or created in Syncapp.")
                % {"app": app_name})
    return (_("Syncapp → %(app)s") % {"app": app_name},
            _("Which Syncapp records may be linked or created in %(app)s.") % {"app": app_name})


def _panel(sync: ObjectSync, catalogs, side: str, rows_source) -> Panel:
    fields = catalogs.hub if side == "hub" else catalogs.app.mappable
    by_name = {f.name: f for f in fields}
    title, description = _describe(side, catalogs.app_name)
    url = reverse("syncs:filters", args=[sync.connection.app_key, sync.pk, side])
    rows = [_row(i, by_name, *item) for i, item in enumerate(rows_source)]
    return Panel(side, title, description, url, fields, rows)


def panels(sync: ObjectSync, catalogs, *, open_side: str | None = None,
           replacing: Panel | None = None) -> list[Panel]:
    """Both directions' panels from the working copy (`replacing` one being edited)."""
    settings = state.load(sync)
    result = []
    for side in ("app", "hub"):
        saved = settings.filters_for(side)
        if replacing is not None and replacing.side == side:
            panel = replacing
        else:
            rows = [(f.field, f.operator, f.value) for f in saved]
            panel = _panel(sync, catalogs, side, rows or [("", "", "")])
        panel.is_open = side == open_side or panel is replacing
        labels = {f.name: f.label for f in panel.fields}
        panel.current = [filter_sentence(f, labels.get(f.field, f.field)) for f in saved]
        result.append(panel)
    return result


_ROW_KEY = re.compile(r"field-([0-9]{1,3})")  # ASCII digits: "field-²" is no row


def _posted_rows(post) -> list[tuple[str, str, str]]:
    indexes = sorted(int(found[1]) for found in map(_ROW_KEY.fullmatch, post) if found)
    return [(post.get(f"field-{i}", ""), post.get(f"operator-{i}", ""),
             post.get(f"value-{i}", "")) for i in indexes[:MAX_ROWS]]


def from_post(sync: ObjectSync, catalogs, side: str, post) -> Panel:
    action = post.get("action", "done")
    rows = _posted_rows(post)
    if action == "add" and len(rows) < MAX_ROWS:
        rows.append(("", "", ""))
    elif action.startswith("remove-"):
        index = params.rank(action.removeprefix("remove-"), "action", default=-1)
        rows = [r for i, r in enumerate(rows) if i != index]
    panel = _panel(sync, catalogs, side, rows or [("", "", "")])
    panel.is_open = True
    if action == "done":
        panel.done = True
        _clean(panel, side, rows)
    return panel


def _clean(panel: Panel, side: str, rows) -> None:
    by_name = {f.name: f for f in panel.fields}
    for row, (name, operator, value) in zip(panel.rows, rows, strict=False):
        if not (name or value):
            continue  # an empty row is no condition
        try:
            panel.cleaned.append(clean_filter(FilterChoice(side, name, operator, value),
                                              by_name))
        except Invalid as exc:
            row.error = exc.message
            panel.error = exc.message
            return
