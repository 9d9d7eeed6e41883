"""The conflict rules' reasons in the reader's language.

The engine (engine/rules.py) words the reason a field was decided in English, and the
history keeps it as written (a row outlives a change of language). Pages show it
through `in_words`: each "; "-separated part the engine writes is translated here,
anything else (an older row's wording, a vendor's message) is shown as it is.
tests/engine/test_field_rules.py checks that every reason the engine can write is
covered.
"""

from django.utils.translation import gettext_lazy as _

DIRECTION_NOTE = " (the direction does not write the other side)"
_KEPT = ", so the value is kept"

WORDS = {
    "filled from the app (empty in Syncapp)": _("filled from the app (empty in Syncapp)"),
    "filled from Syncapp (empty in the app)": _("filled from Syncapp (empty in the app)"),
    "both had values": _("both had values"),
    "changed in the app": _("changed in the app"),
    "changed in Syncapp": _("changed in Syncapp"),
    "changed on both sides": _("changed on both sides"),
    "Syncapp wins conflicts": _("Syncapp wins conflicts"),
    "the app wins conflicts": _("the app wins conflicts"),
    "Syncapp wins but was emptied" + _KEPT:
        _("Syncapp wins but was emptied, so the value is kept"),
    "the app wins but was emptied" + _KEPT:
        _("the app wins but was emptied, so the value is kept"),
    "this field's rule: Syncapp wins": _("this field's rule: Syncapp wins"),
    "this field's rule: the app wins": _("this field's rule: the app wins"),
    "this field's rule: Syncapp wins but was emptied" + _KEPT:
        _("this field's rule: Syncapp wins but was emptied, so the value is kept"),
    "this field's rule: the app wins but was emptied" + _KEPT:
        _("this field's rule: the app wins but was emptied, so the value is kept"),
    "this field's rule: the most recent change wins (Syncapp's)":
        _("this field's rule: the most recent change wins (Syncapp's)"),
    "this field's rule: the most recent change wins (the app's)":
        _("this field's rule: the most recent change wins (the app's)"),
    "this field's rule: the most recent change wins (a tie, so Syncapp, the sync's default)":
        _("this field's rule: the most recent change wins (a tie, so Syncapp, the sync's "
          "default)"),
    "this field's rule: the most recent change wins (a tie, so the app, the sync's default)":
        _("this field's rule: the most recent change wins (a tie, so the app, the sync's "
          "default)"),
    "this field's rule: the most recent change wins (Syncapp's) but was emptied" + _KEPT:
        _("this field's rule: the most recent change wins (Syncapp's) but was emptied, so "
          "the value is kept"),
    "this field's rule: the most recent change wins (the app's) but was emptied" + _KEPT:
        _("this field's rule: the most recent change wins (the app's) but was emptied, so "
          "the value is kept"),
    "this field's rule: the most recent change wins (a tie, so Syncapp, the sync's default) "
    "but was emptied" + _KEPT:
        _("this field's rule: the most recent change wins (a tie, so Syncapp, the sync's "
          "default) but was emptied, so the value is kept"),
    "this field's rule: the most recent change wins (a tie, so the app, the sync's default) "
    "but was emptied" + _KEPT:
        _("this field's rule: the most recent change wins (a tie, so the app, the sync's "
          "default) but was emptied, so the value is kept"),
    "this field's rule: only fill empty values": _("this field's rule: only fill empty values"),
    # engine/planner._default_lifecycle's
    "default lifecycle stage of this sync (the contact had none)":
        _("default lifecycle stage of this sync (the contact had none)"),
}


def in_words(reason: str) -> str:
    """A reason the engine wrote, in the active language."""
    if not reason:
        return reason
    note = ""
    if reason.endswith(DIRECTION_NOTE):
        reason = reason[: -len(DIRECTION_NOTE)]
        note = " " + str(_("(the direction does not write the other side)"))
    return "; ".join(str(WORDS.get(part, part)) for part in reason.split("; ")) + note


def known(reason: str) -> bool:
    """Every part of `reason` has its translation here (for the tests)."""
    reason = reason.removesuffix(DIRECTION_NOTE)
    return all(part in WORDS for part in reason.split("; "))
