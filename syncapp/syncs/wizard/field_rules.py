"""Field-level conflict rules as people see them: the rule's name, the rules a mapping
offers, the check that refuses a rule its direction makes meaningless, Review's lines.

The rules themselves are the engine's (engine/rules.py, DESIGN.md "Field-level
conflict rules"); a mapping keeps its rule in FieldMapping.conflict_rule.
"""

from django.utils.translation import gettext as _

from syncapp.syncs.models import ConflictRule
from syncapp.syncs.wizard.compat import NONE, TO_APP, TO_HUB, effective_direction
from syncapp.syncs.wizard.state import SyncSettings
from syncapp.syncs.wizard.validate import Invalid


def rule_label(rule: str, app_name: str) -> str:
    """"Syncapp wins", "Pipedrive wins", "Most recent change wins", …"""
    if rule == ConflictRule.APP:
        return _("%(app)s wins") % {"app": app_name}
    return str(ConflictRule(rule).label)


def winner_name(winner: str, app_name: str) -> str:
    return "Syncapp" if winner == ConflictRule.HUB else app_name


def default_label(winner: str, app_name: str) -> str:
    return _("The sync's default (%(winner)s wins)") % {"winner": winner_name(winner, app_name)}


def pointless(rule: str, way: str) -> bool:
    """A rule that could only ever name, as the winner, a side whose value never
    travels: on a one-way mapping the written side "winning" (or "most recent"
    picking it) would not send its value anywhere, only stop the source's changes.
    "Only fill empty values" keeps its meaning one way: the target's values stay."""
    if rule == ConflictRule.DEFAULT:
        return False
    if way == NONE:
        return True
    if way == TO_APP:
        return rule in (ConflictRule.APP, ConflictRule.MOST_RECENT)
    if way == TO_HUB:
        return rule in (ConflictRule.HUB, ConflictRule.MOST_RECENT)
    return False


def rule_choices(way: str, winner: str, app_name: str, current: str = "") -> list:
    """(value, label) for a mapping's rule menu: the rules its direction allows (and
    the current one, so that a menu never silently changes what is saved)."""
    choices = [(ConflictRule.DEFAULT.value, default_label(winner, app_name))]
    for rule in ConflictRule.values[1:]:
        if not pointless(rule, way) or rule == current:
            choices.append((rule, rule_label(rule, app_name)))
    return choices


def check_field_rules(settings: SyncSettings, app_labels: dict, app_name: str) -> None:
    """Refuse an unknown rule, or one the mapping's direction makes meaningless."""
    for mapping in settings.mappings:
        label = app_labels[mapping.app_field].label if mapping.app_field in app_labels \
            else mapping.app_field
        if mapping.conflict_rule not in ConflictRule.values:
            raise Invalid(_("“%(rule)s” is not a conflict rule (mapping “%(field)s”): choose "
                            "one of the rules offered.")
                          % {"rule": mapping.conflict_rule, "field": label}, mapping.key)
        way = effective_direction(mapping.direction, settings.direction)
        if not mapping.enabled or not pointless(mapping.conflict_rule, way):
            continue
        rule = rule_label(mapping.conflict_rule, app_name)
        if way == NONE:
            raise Invalid(_("“%(field)s” syncs nothing in this sync's direction, so it takes "
                            "no conflict rule of its own (“%(rule)s”): choose the sync's "
                            "default.") % {"field": label, "rule": rule}, mapping.key)
        source, target = ("Syncapp", app_name) if way == TO_APP else (app_name, "Syncapp")
        raise Invalid(_(
            "“%(field)s” syncs one way, from %(source)s into %(target)s: %(target)s's "
            "value never goes back, so “%(rule)s” could only stop changes made in "
            "%(source)s from arriving. Choose “%(source)s wins”, “Only fill empty values” "
            "(to keep values %(target)s already has) or the sync's default.")
            % {"field": label, "source": source, "target": target, "rule": rule}, mapping.key)


def field_rule_sentences(settings: SyncSettings, app_labels: dict, hub_labels: dict,
                         app_name: str) -> list[str]:
    """Review: one line per active mapping whose rule is its own."""
    lines = []
    for mapping in settings.active_mappings():
        if not mapping.conflict_rule or mapping.conflict_rule not in ConflictRule.values:
            continue
        app = app_labels.get(mapping.app_field)
        hub = hub_labels.get(mapping.hub_property)
        lines.append(_("“%(app_field)s” ↔ “%(hub_property)s”: %(rule)s.") % {
            "app_field": app.label if app else mapping.app_field,
            "hub_property": hub.label if hub else mapping.hub_property,
            "rule": rule_label(mapping.conflict_rule, app_name)})
    return lines
