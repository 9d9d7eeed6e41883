"""How a record was matched, or why it could not be, in the reader's language.

The engine words its matching notes in English (engine/matching.py's templates), and
a record's history keeps them as written (a row outlives a change of language). Pages
show them through `in_words`, which reads a note back by those same templates and
words it again; anything else (an older row's wording, a vendor's message) is shown as
it is. The identifiers a note names are the identifier table's labels
(crm/identifier_table.py), or a property's name for a "choose your fields" rule.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from syncapp.engine import matching as words


def read_back(template: str, text: str) -> dict[str, str] | None:
    """The values `template` ("{label} is read-only") was filled with to give `text`."""
    found = re.match(_pattern(template) + "$", text)
    return found.groupdict() if found else None


def _pattern(template: str) -> str:
    """A template's regular expression: each {name} becomes a group of that name."""
    parts = re.split(r"\{(\w+)\}", template)  # literal, name, literal, …
    return "".join(f"(?P<{part}>.+?)" if i % 2 else re.escape(part)
                   for i, part in enumerate(parts))


_KEY = re.compile(_pattern(words.KEY) + f"(?:{re.escape(words.OR)}|$)")
_MATCHED = re.compile(_pattern(words.MATCHED) + f"(?:{_pattern(words.MISSED)})?$")
_LINKED_ELSEWHERE = re.compile(_pattern(words.LINKED_ELSEWHERE) + "$")
_SHARED = re.compile(_pattern(words.SHARED) + f"(?:{_pattern(words.TAKEN)})?$")


def _keys(text: str) -> str | None:
    """`label “key” or label “key”` in the reader's language; None: not the engine's."""
    shown, position = "", 0
    while position < len(text):
        found = _KEY.match(text, position)
        if found is None:
            return None
        key = f"{_(found['label'])} “{found['key']}”"
        shown = _("%(keys)s or %(key)s") % {"keys": shown, "key": key} if shown else key
        position = found.end()
    return shown or None


def _labels(text: str) -> str:
    return ", ".join(_(label) for label in text.split(", "))


def in_words(note: str) -> str:
    """A matching note the engine wrote, in the active language."""
    if not note:
        return note
    if found := _MATCHED.match(note):
        keys = _keys(found["keys"])
        if keys is not None:
            text = _("matched by %(keys)s") % {"keys": keys}
            if found["labels"]:
                text += " " + _("(%(labels)s found no record)") % {
                    "labels": _labels(found["labels"])}
            return text
    if (found := _LINKED_ELSEWHERE.match(note)) and (keys := _keys(found["keys"])):
        return _("Duplicate: the record found by %(keys)s is linked to another record "
                 "already; nothing was linked or created.") % {"keys": keys}
    if (found := _SHARED.match(note)) and (keys := _keys(found["keys"])):
        n = int(found["n"]) if found["n"].isdigit() else 2
        text = ngettext("Duplicate: %(n)s record has %(keys)s; nothing was linked or "
                        "created. Merge or change it, then retry.",
                        "Duplicate: %(n)s records share %(keys)s; nothing was linked or "
                        "created. Merge or change them, then retry.", n) % {
            "n": found["n"], "keys": keys}
        if found["ids"]:
            text += " " + _("Already linked to another record: %(ids)s.") % {
                "ids": found["ids"]}
        return text
    return note
