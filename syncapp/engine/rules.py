"""The conflict rules of DESIGN.md, per field, as one pure function.

A mapping may override the sync's winner with a rule of its own (config.CONFLICT_RULES:
a side, the most recent change, or only fill empty values); the reason each outcome
carries names the rule that decided, for the record's history (its words are
translated for pages in syncs/rule_words.py).

A link keeps, per mapped field, the value last synced: a single value when both
sides agreed, or [hub value, app value] when the direction left them different.
"""

from enum import Enum
from typing import Final, NamedTuple

from syncapp.engine.config import APP, DEFAULT, FILL_EMPTY, HUB, MOST_RECENT


class Missing(Enum):
    """MISSING's type: one enum member, so `value is MISSING` narrows a value's type."""

    MISSING = "missing"


MISSING: Final = Missing.MISSING  # no last-synced value: the pair was just linked; no write
Value = str | None  # a field's value as the engine compares it


class FieldOutcome(NamedTuple):
    """One field's outcome. A named tuple, not a frozen dataclass: one is made per field
    that differs, and a frozen dataclass's __init__ (an object.__setattr__ per field)
    cost 2% of the initial sync's Python (0.51 µs a construction, against 0.23)."""

    to_hub: Value | Missing  # the value to write to the hub, or MISSING for no write
    to_app: Value | Missing
    last: object  # the new last-synced entry
    reason: str  # why, for the record's history ("" when nothing happened)


def split(last) -> tuple[str | None, str | None]:
    if isinstance(last, list):
        return last[0], last[1]
    return last, last


def pack(hub_value: str | None, app_value: str | None):
    return hub_value if hub_value == app_value else [hub_value, app_value]


def resolve_field(
    hub: str | None, app: str | None, last, *, winner: str, can_hub: bool, can_app: bool,
    rule: str = DEFAULT, modified: tuple = (None, None),
) -> FieldOutcome:
    """What to write where for one mapped field of one linked pair.

    `rule` is the mapping's conflict rule (config.CONFLICT_RULES); `modified` the
    (hub, app) records' modification times, which only MOST_RECENT reads. Whatever the
    rule, a conflict never resolves to an empty value and the direction (`can_hub`,
    `can_app`) is never overridden."""
    if rule == FILL_EMPTY:
        target, reason = _fill_empty(hub, app, last)
    elif last is MISSING:
        target, reason = _merge(hub, app, (rule, winner, modified))
    else:
        target, reason = _sync(hub, app, last, (rule, winner, modified))
    if target is MISSING:
        return FieldOutcome(MISSING, MISSING, pack(hub, app), "")
    to_hub = target if can_hub and hub != target else MISSING
    to_app = target if can_app and app != target else MISSING
    final_hub = hub if to_hub is MISSING else to_hub
    final_app = app if to_app is MISSING else to_app
    if to_hub is MISSING and to_app is MISSING and final_hub != final_app:
        reason = reason + " (the direction does not write the other side)" if reason else ""
    return FieldOutcome(to_hub, to_app, pack(final_hub, final_app), reason)


class _Winner(NamedTuple):
    """Who wins a conflict of this field, and how the history says so."""

    side: str
    words: str  # "Syncapp wins conflicts", "this field's rule: …"
    emptied: str  # the same when the winner's value was emptied


def _winner(rule: str, default: str, modified: tuple) -> _Winner:
    if rule in (HUB, APP):
        words = f"this field's rule: {_NAME[rule]} wins"
        return _Winner(rule, words, f"{words} but was emptied")
    if rule == MOST_RECENT:
        later = _changed_later(*modified)
        side = default if later is None else later
        words = ("this field's rule: the most recent change wins (a tie, so "
                 f"{_NAME[side]}, the sync's default)" if later is None else
                 f"this field's rule: the most recent change wins ({_NAME[side]}'s)")
        return _Winner(side, words, f"{words} but was emptied")
    name = _NAME[default]
    return _Winner(default, f"{name} wins conflicts", f"{name} wins but was emptied")


_NAME = {HUB: "Syncapp", APP: "the app"}


def _changed_later(hub_time, app_time) -> str | None:
    """The side whose record changed last; None for a tie or a time unknown."""
    if hub_time is None or app_time is None:
        return None
    try:
        if hub_time == app_time:
            return None
        return HUB if hub_time > app_time else APP
    except TypeError:  # one time with a zone, one without: not comparable, a tie
        return None


def _merge(hub: Value, app: Value, conflict: tuple) -> tuple[Value | Missing, str]:
    """A newly linked pair: the winner where both have values, else the non-empty one.
    `conflict` is _winner's arguments, only worked out for a conflict."""
    if hub == app:
        return MISSING, ""
    if hub is None:
        return app, "filled from the app (empty in Syncapp)"
    if app is None:
        return hub, "filled from Syncapp (empty in the app)"
    winner = _winner(*conflict)
    return (hub if winner.side == HUB else app), f"both had values; {winner.words}"


def _sync(hub: Value, app: Value, last, conflict: tuple) -> tuple[Value | Missing, str]:
    last_hub, last_app = split(last)
    hub_changed, app_changed = hub != last_hub, app != last_app
    if not hub_changed and not app_changed:
        return MISSING, ""
    if app_changed and not hub_changed:
        return app, "changed in the app"
    if hub_changed and not app_changed:
        return hub, "changed in Syncapp"
    if hub == app:
        return MISSING, ""
    winner = _winner(*conflict)
    won, lost = (hub, app) if winner.side == HUB else (app, hub)
    if won is None and lost is not None:
        # An empty winner never overwrites a value: the value is kept on both sides.
        return lost, f"changed on both sides; {winner.emptied}, so the value is kept"
    return won, f"changed on both sides; {winner.words}"


FILL_WORDS = "this field's rule: only fill empty values"


def _fill_empty(hub: Value, app: Value, last) -> tuple[Value | Missing, str]:
    """Only fill empty values: a side's value (new, or changed since last synced) fills
    the other side only where that side is empty. A value is never overwritten, and a
    value cleared on one side does not travel."""
    if hub == app:
        return MISSING, ""
    last_hub, last_app = (None, None) if last is MISSING else split(last)
    fresh_hub = last is MISSING or hub != last_hub
    fresh_app = last is MISSING or app != last_app
    if hub is None and app is not None and fresh_app:
        return app, f"filled from the app (empty in Syncapp); {FILL_WORDS}"
    if app is None and hub is not None and fresh_hub:
        return hub, f"filled from Syncapp (empty in the app); {FILL_WORDS}"
    return MISSING, ""
