"""How an entry's changes read, on the page and in the CSV: one line per field, in the
reader's language ("Roles: Ops → Support"), never the stored JSON."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from syncapp.accounts.members import ROLE_LABELS

FIELD_LABELS = {
    "roles": gettext_lazy("Roles"),
    "account": gettext_lazy("Account"),
    "target": gettext_lazy("Records"),
    "records": gettext_lazy("Count"),
    "category": gettext_lazy("Category"),
    "format": gettext_lazy("Format"),
    "filters": gettext_lazy("Filters"),
    "username": gettext_lazy("E-mail"),
    "ip": gettext_lazy("IP address"),
    "locked": gettext_lazy("Locked out"),
    "direction": gettext_lazy("Direction"),
    "winner": gettext_lazy("Conflict winner"),
    "matching": gettext_lazy("Matching"),
    "mappings": gettext_lazy("Field mappings"),
}
ACCOUNT_KINDS = {"new": gettext_lazy("new account"), "existing": gettext_lazy("existing account")}


def _roles(names) -> str:
    return ", ".join(str(ROLE_LABELS.get(name, name)) for name in names) or _("none")


def _value(field: str, value) -> str:
    if field == "roles" and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _roles(value)
    if field == "account" and value in ACCOUNT_KINDS:
        return str(ACCOUNT_KINDS[value])
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}={item}" for key, item in value.items()) or "—"
    if value is None or value == "":
        return "—"
    return str(value)


def _mapping_key(mapping: dict) -> str:
    return f"{mapping.get('app_field')} ↔ {mapping.get('hub_property')}"


def _list_change(before: list, after: list) -> str:
    """Rows of a list setting (mappings, filters) added (+), removed (-) or edited (~)."""
    keyed = all(isinstance(row, dict) and "app_field" in row for row in before + after)
    name = _mapping_key if keyed else str
    old = {name(row): row for row in before}
    new = {name(row): row for row in after}
    parts = [f"+ {key}" for key in new if key not in old]
    parts += [f"- {key}" for key in old if key not in new]
    parts += [f"~ {key}" for key in new if key in old and new[key] != old[key]]
    return "; ".join(parts) or "—"


def _is_pair(field: str, value) -> bool:
    """A [before, after] pair, as a settings diff and a role change store it."""
    if not isinstance(value, list) or len(value) != 2:
        return False
    return field != "roles" or all(isinstance(side, list) for side in value)


def _change(field: str, value) -> str:
    if not _is_pair(field, value):
        return _value(field, value)
    before, after = value
    if isinstance(before, list) and isinstance(after, list) and field != "roles":
        return _list_change(before, after)
    return f"{_value(field, before)} → {_value(field, after)}"


def lines(changes: dict) -> list[str]:
    """Each changed field as "Label: value" (or "Label: before → after")."""
    return [f"{FIELD_LABELS.get(field, field)}: {_change(field, value)}"
            for field, value in (changes or {}).items()]
