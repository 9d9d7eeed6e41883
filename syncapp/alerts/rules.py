"""The alert rules: which kinds exist, their thresholds, and how a portal's defaults and
a sync's overrides combine. Plain data, no database: the sync's config export carries
a sync's overrides as the dict `validate_overrides` accepts.

A rule's settings are {"enabled": bool, <threshold>: int, …}. The portal keeps a full
set (defaults below, until a super admin changes them); a sync keeps only what it
changes, e.g. {"failed_records": {"percent": 5}, "stale": {"enabled": False}}.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Threshold:
    name: str
    label: object  # lazy text
    default: int
    low: int
    high: int


@dataclass(frozen=True)
class RuleKind:
    key: str
    label: object
    thresholds: tuple[Threshold, ...] = ()


KINDS = {kind.key: kind for kind in (
    RuleKind("failing", gettext_lazy("The sync is failing"), (
        Threshold("paused_minutes", gettext_lazy("Paused by the system for more than (minutes)"),
                  30, 1, 7 * 24 * 60),)),
    RuleKind("failed_records", gettext_lazy("Failed records"), (
        Threshold("percent", gettext_lazy("More than this percentage of the sync's records"),
                  10, 1, 100),
        Threshold("per_hour", gettext_lazy("Or more than this many new failures in an hour"),
                  50, 1, 1_000_000))),
    RuleKind("stale", gettext_lazy("No successful run lately"), (
        Threshold("poll_intervals", gettext_lazy("Within this many poll intervals"),
                  3, 1, 1000),)),
    RuleKind("needs_reconnect", gettext_lazy("The connection needs reconnecting")),
    RuleKind("rate_limited", gettext_lazy("Rate-limited"), (
        Threshold("minutes", gettext_lazy("For more than (minutes)"), 60, 1, 7 * 24 * 60),)),
    # Raised by the mass-change guard (issue 5/8) when it pauses a sync with the pause
    # reason MASS_CHANGE_REASON; nothing pauses for that reason yet.
    RuleKind("mass_change", gettext_lazy("The mass-change guard stopped a run")),
)}
ROLES = {"super_admin", "ops", "support", "marketplace"}
DEFAULT_ROLES = ["ops"]


def default_rules() -> dict:
    return {key: {"enabled": True, **{t.name: t.default for t in kind.thresholds}}
            for key, kind in KINDS.items()}


def _clean_rule(key: str, given) -> dict:
    kind = KINDS.get(key)
    if kind is None:
        raise ValueError(_("Unknown alert rule: %(rule)s.") % {"rule": key})
    if not isinstance(given, dict):
        raise ValueError(_("The settings of the rule %(rule)s must be a mapping.") % {"rule": key})
    names = {t.name: t for t in kind.thresholds}
    clean = {}
    for name, value in given.items():
        if name == "enabled":
            if not isinstance(value, bool):
                raise ValueError(_("%(rule)s: enabled must be true or false.") % {"rule": key})
            clean[name] = value
            continue
        threshold = names.get(name)
        if threshold is None:
            raise ValueError(_("%(rule)s: unknown setting %(name)s.") % {"rule": key, "name": name})
        clean[name] = clean_threshold(key, threshold, value)
    return clean


def clean_threshold(key: str, threshold: Threshold, value) -> int:
    """A whole number within the threshold's bounds (a form's text is accepted too)."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 10:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(_("%(rule)s: %(name)s must be a whole number.")
                         % {"rule": key, "name": threshold.name})
    if not threshold.low <= value <= threshold.high:
        raise ValueError(_("%(rule)s: %(name)s must be between %(low)s and %(high)s.")
                         % {"rule": key, "name": threshold.name, "low": threshold.low,
                            "high": threshold.high})
    return value


def validate_overrides(given) -> dict:
    """A sync's overrides, cleaned; ValueError with a message for anything else."""
    if given is None:
        return {}
    if not isinstance(given, dict):
        raise ValueError(_("Alert overrides must be a mapping of rule to settings."))
    return {key: rule for key, rule in ((k, _clean_rule(k, v)) for k, v in given.items())
            if rule}


def validate_roles(roles) -> list[str]:
    if not isinstance(roles, list) or not roles or not all(r in ROLES for r in roles):
        raise ValueError(_("Choose at least one role among: %(roles)s.")
                         % {"roles": ", ".join(sorted(ROLES))})
    return sorted(set(roles))


def effective(portal_rules: dict, overrides: dict) -> dict:
    """Each rule's settings for one sync: built-in defaults, then the portal's, then
    the sync's own."""
    merged = default_rules()
    for source in (portal_rules or {}, overrides or {}):
        for key, values in source.items():
            if key in merged:
                merged[key] = {**merged[key], **values}
    return merged
