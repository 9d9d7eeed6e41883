"""docs/architecture.md cannot rot silently: every path it names exists, and every
`file.py::name` it names is defined in that file.

A path is a slash-separated word that ends in a file suffix (`crm/bulk.py`) or starts
with a folder of the repository or of syncapp (`syncs/wizard/`), read from the
repository's root, else from syncapp/ (the page's convention). A bare file name
(`executor.py::execute`) is the nearest path above it with that name; a migration may
be named by its number (`health/migrations/0002`). Reads files only: no database.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "architecture.md"
SUFFIXES = (".py", ".md", ".toml", ".po", ".txt", ".lock")
PATH = re.compile(r"(?<![\w/.<>-])(?:[\w-]+/)+[\w.-]*")
BARE = re.compile(r"(?<![\w/.-])\w+\.py(?=::)")
# `file.py::a.b, c, d`: the names after the path, on its line.
NAMES = re.compile(r"::(\w+(?:\.\w+)*(?:, \w+(?:\.\w+)*)*)")


def folders() -> set[str]:
    return {p.name for base in (ROOT, ROOT / "syncapp") for p in base.iterdir() if p.is_dir()}


def resolve(written: str) -> Path | None:
    for base in (ROOT, ROOT / "syncapp"):
        path = base / written.rstrip("/")
        if path.exists():
            return path
        number = path.name  # a migration by its number: 0002 for 0002_link_tally_…py
        if number.isdigit() and path.parent.is_dir() and any(
                path.parent.glob(f"{number}_*.py")):
            return next(path.parent.glob(f"{number}_*.py"))
    return None


def is_path(word: str) -> bool:
    return word.endswith(SUFFIXES) or word.split("/", 1)[0] in folders()


def defines(source: str, name: str) -> bool:
    return re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{name}\b"
                     rf"|^\s*(?:\w+\s*,\s*)*{name}\s*(?:,\s*\w+\s*)*[:=]"
                     rf"|^\s*(?:from\s+\S+\s+)?import\s.*\b{name}\b",
                     source, re.MULTILINE) is not None


def references() -> list[tuple[str, Path | None, list[str]]]:
    """(as written, the file it resolves to or None, names it says the file defines)."""
    found: list[tuple[str, Path | None, list[str]]] = []
    latest: dict[str, Path] = {}  # file name -> the nearest path above with it
    for line in PAGE.read_text().splitlines():
        spans = [(m.start(), m.group(), None) for m in PATH.finditer(line) if is_path(m.group())]
        spans += [(m.start(), m.group(), m.group()) for m in BARE.finditer(line)]
        for start, written, bare in sorted(spans):
            path = latest.get(bare) if bare else resolve(written)
            if path is not None and path.is_file():
                latest[path.name] = path
            after = NAMES.match(line, start + len(written))
            names = [n for group in after.group(1).split(", ") for n in group.split(".")
                     ] if after else []
            found.append((written, path, names))
    return found


def test_every_path_the_architecture_page_names_exists():
    missing = [written for written, path, _names in references() if path is None]
    assert missing == [], f"docs/architecture.md names paths that do not exist: {missing}"


def test_every_function_the_architecture_page_names_is_defined_where_it_says():
    undefined = [f"{written}::{name}" for written, path, names in references()
                 if path is not None and path.is_file()
                 for name in names if not defines(path.read_text(), name)]
    assert undefined == [], f"docs/architecture.md names what is not there: {undefined}"


@pytest.mark.parametrize("stage", ["READ", "BREAKER", "PLAN", "APPLY", "RECORD", "COUNT",
                                   "UNDO", "webhook", "beat"])
def test_the_architecture_page_draws_a_records_path_in_one_diagram(stage):
    diagrams = re.findall(r"^```\n(.*?)^```", PAGE.read_text(), re.MULTILINE | re.DOTALL)
    assert len(diagrams) == 1
    assert stage in diagrams[0]
