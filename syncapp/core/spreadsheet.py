"""Cells that no spreadsheet will evaluate, for every CSV or Excel file we hand out
(the record exports, the audit log, a sync's review list).

A cell a spreadsheet could read as a formula is neutralised with a leading
apostrophe, as OWASP advises against CSV injection; the CSV writers also quote
every cell.
"""

import re

# A formula trigger (=, +, -, @, tab, carriage return) at the start of a cell, or
# just after a character some spreadsheet splits cells on: the comma, the semicolon
# (the list separator of pt-BR Excel, which opens "a;=1+1" as two cells) or a tab.
FORMULA_TRIGGER = re.compile(r"(?:^|[,;\t])[=+\-@\t\r]")


def neutralise(value: str) -> str:
    """A cell value that no spreadsheet will evaluate: the whole cell becomes text.

    The CSV writer also quotes every cell, so a reader that honours quotes never
    splits one at an inner comma or semicolon; the apostrophe covers those that do.
    """
    if value and FORMULA_TRIGGER.search(value):
        return "'" + value
    return value
