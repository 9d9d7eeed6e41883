"""The syncs-as-code file: reading and writing it, and checking its shape.

This module knows the format (docs/sync-config.md) and nothing about the database:
`load` turns text into a document (a plain dict), `parse` checks the document's
shape and returns one `SyncEntry` per sync, and `dump` writes a document back out.
Whether the *content* is allowed (fields that exist, pairs the compatibility table
permits, filter values) is the wizard's business, asked by planning.py.

Every refusal is a ConfigError naming the place in the file: `syncs[0].mappings[3]`.
"""

import datetime as dt
import json
from dataclasses import dataclass

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from syncapp.syncs.config.alerts import check_alerts
from syncapp.syncs.config.errors import ConfigError
from syncapp.syncs.models import ConflictRule, Direction, Matching, Winner

VERSION_KEY = "syncapp_config"
VERSION = 1
FORMATS = ("yaml", "json")
# Caps: a file a person edits is a few kilobytes; these keep a hostile one cheap.
MAX_BYTES = 256 * 1024
MAX_SYNCS = 50
MAX_MAPPINGS = 500
MAX_FILTERS = 100
MAX_VALUE_MAP = 1000
MAX_MATCH_FIELDS = 20  # the shape's cap; the wizard allows fewer (wizard/compat.py)
MIN_POLL_S, MAX_POLL_S = 30, 86400  # beat ticks every 30 s; at least once a day

TOP_KEYS = (VERSION_KEY, "app", "syncs")
SYNC_KEYS = ("object", "hub_object", "direction", "winner", "matching", "match_fields",
             "match_app_field", "match_hub_property", "email_only", "default_lifecycle_stage",
             "custom_mappings_on", "poll_interval_s", "mappings", "filters", "alerts")
MAPPING_KEYS = ("app_field", "hub_property", "direction", "enabled", "conflict_rule",
                "value_map")
# A mapping's conflict rule as the file writes it: "default" is the model's "".
DEFAULT_RULE = "default"
FILE_RULES = (DEFAULT_RULE, *ConflictRule.values[1:])
FILTER_KEYS = ("side", "field", "operator", "value")
CHOICES = {"direction": Direction.values, "winner": Winner.values,
           "matching": Matching.values}
TEXT_KEYS = ("default_lifecycle_stage",)
MATCH_FIELD_KEYS = ("app_field", "hub_property")
# Files written before the list: one pair, read as a list of one.
LEGACY_MATCH_KEYS = ("match_app_field", "match_hub_property")
FLAG_KEYS = ("email_only", "custom_mappings_on")

KINDS = {
    dict: gettext_lazy("a mapping of names to values"),
    list: gettext_lazy("a list"),
    str: gettext_lazy("text"),
    bool: gettext_lazy("true or false"),
    int: gettext_lazy("a whole number"),
}


@dataclass(frozen=True)
class SyncEntry:
    """One sync of a file, its shape checked; `fields` holds only the keys the file gave
    (a key left out keeps the sync's current value)."""

    path: str
    object: str
    hub_object: str | None
    fields: dict
    poll_interval_s: int | None
    mappings: list[dict] | None
    filters: list[dict] | None
    alerts: dict


@dataclass(frozen=True)
class Document:
    app: str
    syncs: tuple[SyncEntry, ...]


# --- text <-> document ---------------------------------------------------------------


def load(text: str | bytes, fmt: str) -> dict:
    """The document in `text` (YAML or JSON), or ConfigError. Only plain data is read
    (yaml.safe_load): no tags, no objects."""
    if fmt not in FORMATS:
        raise ConfigError("", _("Choose the file's format: yaml or json."))
    size = len(text.encode() if isinstance(text, str) else text)
    if size > MAX_BYTES:
        raise ConfigError("", _("The file is larger than %(limit)s KB: nothing was read.")
                          % {"limit": MAX_BYTES // 1024})
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError("", _("The file is not UTF-8 text.")) from None
    try:
        doc = json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(_line(exc.lineno), _("This is not valid JSON: %(detail)s.")
                          % {"detail": exc.msg}) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(_line(mark.line + 1) if mark else "",
                          _("This is not valid YAML: %(detail)s.") % {"detail": detail}) from None
    except RecursionError:  # absurdly deep nesting
        raise ConfigError("", _("The file nests too deeply.")) from None
    if not isinstance(doc, dict):
        raise ConfigError("", _("Expected %(kind)s.") % {"kind": KINDS[dict]})
    return doc


def _line(number: int) -> str:
    return _("line %(number)s") % {"number": number}


def dump(doc: dict, fmt: str) -> str:
    """The document as YAML or JSON text, keys in the documented order."""
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    raise ValueError(f"unknown format {fmt!r}")


def format_of(filename: str, default: str = "yaml") -> str:
    """The format a file's name says (.json, else YAML)."""
    return "json" if filename.lower().endswith(".json") else default


# --- the document's shape --------------------------------------------------------------


def parse(doc: dict) -> Document:
    """Check the document's shape; ConfigError at the first place that is wrong."""
    _known(doc, TOP_KEYS, "")
    if VERSION_KEY not in doc:
        raise ConfigError(VERSION_KEY, _("This field is required."))
    if doc[VERSION_KEY] != VERSION or isinstance(doc[VERSION_KEY], bool):
        raise ConfigError(VERSION_KEY, _("Unsupported format version %(found)s: this Syncapp "
                                         "reads version %(version)s.")
                          % {"found": doc[VERSION_KEY], "version": VERSION})
    app = _required(doc, "app", str, "")
    syncs = _required(doc, "syncs", list, "")
    _at_most(syncs, MAX_SYNCS, "syncs")
    entries = tuple(_sync(raw, f"syncs[{index}]") for index, raw in enumerate(syncs))
    seen: set[str] = set()
    for entry in entries:
        if entry.object in seen:
            raise ConfigError(f"{entry.path}.object", _("“%(object)s” appears twice: one entry "
                                                        "per object.") % {"object": entry.object})
        seen.add(entry.object)
    return Document(app, entries)


def _sync(raw, path: str) -> SyncEntry:
    _expect(raw, dict, path)
    _known(raw, SYNC_KEYS, path)
    fields = {}
    for key, choices in CHOICES.items():
        if key in raw:
            fields[key] = _choice(raw[key], choices, f"{path}.{key}")
    for key in TEXT_KEYS:
        if key in raw:
            fields[key] = _expect(raw[key] if raw[key] is not None else "", str, f"{path}.{key}")
    for key in FLAG_KEYS:
        if key in raw:
            fields[key] = _expect(raw[key], bool, f"{path}.{key}")
    match_fields = _match_fields(raw, path)
    if match_fields is not None:
        fields["match_fields"] = match_fields
    poll = raw.get("poll_interval_s")
    if poll is not None:
        poll = _poll(poll, f"{path}.poll_interval_s")
    mappings = raw.get("mappings")
    if mappings is not None:
        mappings = _rows(mappings, MAX_MAPPINGS, _mapping, f"{path}.mappings")
        _unique_mappings(mappings, f"{path}.mappings")
    filters = raw.get("filters")
    if filters is not None:
        filters = _rows(filters, MAX_FILTERS, _filter, f"{path}.filters")
    hub_object = raw.get("hub_object")
    if hub_object is not None:
        _expect(hub_object, str, f"{path}.hub_object")
    alerts = check_alerts(raw.get("alerts"), f"{path}.alerts")
    return SyncEntry(path, _required(raw, "object", str, path), hub_object, fields, poll,
                     mappings, filters, alerts)


def _match_fields(raw: dict, path: str) -> list[list[str]] | None:
    """The "choose your fields" list as [[app field, hub property], …]; None: not given.
    Whether the fields can identify records is the wizard's check."""
    legacy = [key for key in LEGACY_MATCH_KEYS if key in raw]
    if legacy and "match_fields" in raw:
        raise ConfigError(f"{path}.{legacy[0]}", _("Give either match_fields or "
                                                   "match_app_field and match_hub_property."))
    if legacy:
        pair = [_expect(raw.get(key) or "", str, f"{path}.{key}") for key in LEGACY_MATCH_KEYS]
        return [pair] if all(pair) else []
    if raw.get("match_fields") is None:
        return None
    rows = _rows(raw["match_fields"], MAX_MATCH_FIELDS, _match_pair, f"{path}.match_fields")
    return [[row["app_field"], row["hub_property"]] for row in rows]


def _match_pair(raw, path: str) -> dict:
    _expect(raw, dict, path)
    _known(raw, MATCH_FIELD_KEYS, path)
    return {key: _required(raw, key, str, path) for key in MATCH_FIELD_KEYS}


def _rows(raw, limit: int, check, path: str) -> list[dict]:
    _expect(raw, list, path)
    _at_most(raw, limit, path)
    return [check(row, f"{path}[{index}]") for index, row in enumerate(raw)]


def _mapping(raw, path: str) -> dict:
    _expect(raw, dict, path)
    _known(raw, MAPPING_KEYS, path)
    row = {"app_field": _required(raw, "app_field", str, path),
           "hub_property": _required(raw, "hub_property", str, path),
           "direction": None, "enabled": True, "conflict_rule": "", "value_map": {}}
    if raw.get("direction") is not None:
        row["direction"] = _choice(raw["direction"], Direction.values, f"{path}.direction")
    if "enabled" in raw:
        row["enabled"] = _expect(raw["enabled"], bool, f"{path}.enabled")
    if raw.get("conflict_rule") is not None:
        rule = _choice(raw["conflict_rule"], FILE_RULES, f"{path}.conflict_rule")
        row["conflict_rule"] = "" if rule == DEFAULT_RULE else rule
    value_map = raw.get("value_map") or {}
    _expect(value_map, dict, f"{path}.value_map")
    _at_most(value_map, MAX_VALUE_MAP, f"{path}.value_map")
    for app_value, hub_value in value_map.items():
        # YAML reads a bare `yes` or `1` as a boolean or a number: options are text.
        _expect(app_value, str, f"{path}.value_map")
        _expect(hub_value, str, f"{path}.value_map.{app_value}")
    row["value_map"] = dict(value_map)
    return row


def _unique_mappings(rows: list[dict], path: str) -> None:
    seen = set()
    for index, row in enumerate(rows):
        key = (row["app_field"], row["hub_property"])
        if key in seen:
            raise ConfigError(f"{path}[{index}]", _("The mapping %(app)s → %(hub)s appears "
                                                    "twice.") % {"app": key[0], "hub": key[1]})
        seen.add(key)


def _filter(raw, path: str) -> dict:
    _expect(raw, dict, path)
    _known(raw, FILTER_KEYS, path)
    return {"side": _choice(raw.get("side"), ("hub", "app"), f"{path}.side"),
            "field": _required(raw, "field", str, path),
            "operator": _required(raw, "operator", str, path),
            "value": _filter_value(raw.get("value"), f"{path}.value")}


def _filter_value(value, path: str):
    """Text, a number, yes/no, a date, or a list of those, as the wizard's form sends it."""
    if isinstance(value, list):
        _at_most(value, MAX_VALUE_MAP, path)
        return [_filter_value(item, f"{path}[{index}]") for index, item in enumerate(value)
                if item is not None]
    if isinstance(value, dt.date | dt.datetime):  # YAML reads 2024-03-31 as a date
        return value.isoformat()
    if isinstance(value, str):
        return _expect(value, str, path)
    if value is None or isinstance(value, int | float | bool):
        return value
    raise ConfigError(path, _("Expected %(kind)s.") % {"kind": KINDS[str]})


def _poll(value, path: str) -> int:
    _expect(value, int, path)
    if not MIN_POLL_S <= value <= MAX_POLL_S:
        raise ConfigError(path, _("Choose between %(min)s and %(max)s seconds.")
                          % {"min": MIN_POLL_S, "max": MAX_POLL_S})
    return value


# --- small checks ----------------------------------------------------------------------


def _expect(value, kind: type, path: str):
    wrong_bool = kind is int and isinstance(value, bool)
    if not isinstance(value, kind) or wrong_bool:
        raise ConfigError(path, _("Expected %(kind)s.") % {"kind": KINDS[kind]})
    if kind is str and "\x00" in value:  # Postgres keeps no NUL in text or JSON
        raise ConfigError(path, _("Contains a NUL character, which cannot be stored."))
    return value


def _required(raw: dict, key: str, kind: type, path: str):
    where = f"{path}.{key}" if path else key
    if raw.get(key) is None:
        raise ConfigError(where, _("This field is required."))
    return _expect(raw[key], kind, where)


def _known(raw: dict, keys: tuple[str, ...], path: str) -> None:
    for key in raw:
        if key not in keys:
            where = f"{path}.{key}" if path else str(key)
            raise ConfigError(where, _("Unknown field “%(name)s”. Known fields: %(known)s.")
                              % {"name": key, "known": ", ".join(keys)})


def _choice(value, choices, path: str) -> str:
    if value not in choices:
        raise ConfigError(path, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
    return value


def _at_most(items, limit: int, path: str) -> None:
    if len(items) > limit:
        raise ConfigError(path, _("At most %(limit)s entries.") % {"limit": limit})
