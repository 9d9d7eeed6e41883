"""The tallies' idea of "failed" and "excluded", rebuilt from the one definition in
syncs/models/links.py.

Postgres triggers (migrations/0002) count links per (status, detail), where the detail
is a failed link's error category or an excluded link's reason. Which statuses count as
failed or excluded (`COUNTED_AS`), and the category a failed link without one falls
under (`FAILED_FALLBACK_CATEGORY`), come from there; the SQL function is written from
them after every migrate (replacing the hand-written one of migrations/0002), so a
status added there is counted everywhere without a hand-written migration.
"""

import re

from django.db import connections

from syncapp.syncs.models import COUNTED_AS, FAILED_FALLBACK_CATEGORY

_WORD = re.compile(r"^[a-z_]+$")  # statuses and categories are code, never user input


def _literal(word: str) -> str:
    if not _WORD.match(word):
        raise ValueError(f"not a status or category: {word!r}")
    return f"'{word}'"


def detail_function_sql() -> str:
    """CREATE OR REPLACE of health_link_detail(status, category, reason)."""
    excluded = ", ".join(_literal(s) for s in sorted(COUNTED_AS["excluded"]))
    statuses = ", ".join(_literal(s) for s in FAILED_FALLBACK_CATEGORY)
    fallbacks = " ".join(f"WHEN {_literal(s)} THEN {_literal(c)}"
                         for s, c in FAILED_FALLBACK_CATEGORY.items())
    return f"""
CREATE OR REPLACE FUNCTION health_link_detail(status text, category text, reason text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN status IN ({excluded}) THEN coalesce(reason, '')
    WHEN status IN ({statuses}) THEN coalesce(
      nullif(category, ''), CASE status {fallbacks} ELSE 'unknown' END)
    ELSE '' END
$$;
"""


def install_detail_function(using: str = "default", **_kwargs) -> None:
    """post_migrate: make the triggers count what the Python definition says."""
    with connections[using].cursor() as cursor:
        cursor.execute(detail_function_sql())
