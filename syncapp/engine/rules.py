"""The conflict rules of DESIGN.md, per field, as one pure function.

A link keeps, per mapped field, the value last synced: a single value when both
sides agreed, or [hub value, app value] when the direction left them different.
"""

from dataclasses import dataclass

from syncapp.engine.config import HUB

MISSING = object()  # no last-synced value: the pair was just linked


@dataclass(frozen=True)
class FieldOutcome:
    to_hub: object  # the value to write to the hub, or MISSING for no write
    to_app: object
    last: object  # the new last-synced entry
    reason: str  # why, for the record's history ("" when nothing happened)


def split(last) -> tuple[str | None, str | None]:
    if isinstance(last, list):
        return last[0], last[1]
    return last, last


def pack(hub_value: str | None, app_value: str | None):
    return hub_value if hub_value == app_value else [hub_value, app_value]


def resolve_field(
    hub: str | None, app: str | None, last, *, winner: str, can_hub: bool, can_app: bool
) -> FieldOutcome:
    """What to write where for one mapped field of one linked pair."""
    if last is MISSING:
        target, reason = _merge(hub, app, winner)
    else:
        target, reason = _sync(hub, app, last, winner)
    if target is MISSING:
        return FieldOutcome(MISSING, MISSING, pack(hub, app), "")
    to_hub = target if can_hub and hub != target else MISSING
    to_app = target if can_app and app != target else MISSING
    final_hub = hub if to_hub is MISSING else to_hub
    final_app = app if to_app is MISSING else to_app
    if to_hub is MISSING and to_app is MISSING and final_hub != final_app:
        reason = reason + " (the direction does not write the other side)" if reason else ""
    return FieldOutcome(to_hub, to_app, pack(final_hub, final_app), reason)


def _merge(hub, app, winner):
    """A newly linked pair: the winner where both have values, else the non-empty one."""
    if hub == app:
        return MISSING, ""
    if hub is None:
        return app, "filled from the app (empty in Syncapp)"
    if app is None:
        return hub, "filled from Syncapp (empty in the app)"
    if winner == HUB:
        return hub, "both had values; Syncapp wins conflicts"
    return app, "both had values; the app wins conflicts"


def _sync(hub, app, last, winner):
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
    won, lost = (hub, app) if winner == HUB else (app, hub)
    side = "Syncapp" if winner == HUB else "the app"
    if won is None and lost is not None:
        # An empty winner never overwrites a value: the value is kept on both sides.
        return lost, f"changed on both sides; {side} wins but was emptied, so the value is kept"
    return won, f"changed on both sides; {side} wins conflicts"
