"""The tests' folders keep the shape tests/README.md describes ("Where tests and helpers
live"): a test sits in the folder named after what it tests, a helper's name says who may
use it, and a folder's own kit is used from that folder only. Reads files; no database."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
# Packages a test folder may be named after, besides syncapp's own apps.
TOP_LEVEL_PACKAGES = {"connectors", "bench"}
# Folders named for a kind of test rather than a package (tests/README.md says which).
KINDS_OF_TEST = {"browser", "e2e", "deployed", "site", "deploy", "docs", "i18n", "kits"}
ROOT_MODULES = {"__init__.py", "conftest.py", "test_layout.py"}


def modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def is_kit_name(name: str) -> bool:
    return name == "kit.py" or name.endswith("_kit.py")


def folder_of(module: Path) -> str:
    """The test folder a module belongs to: its first folder under tests/."""
    return module.relative_to(TESTS).parts[0]


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_only_the_conftest_and_this_check_sit_at_the_root():
    stray = [p.name for p in TESTS.glob("*.py") if p.name not in ROOT_MODULES]
    assert stray == [], "move these into the folder of the package they test"


def test_every_folder_is_named_after_a_package_or_a_kind_of_test():
    apps = {p.name for p in (ROOT / "syncapp").iterdir() if (p / "__init__.py").exists()}
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders - apps - TOP_LEVEL_PACKAGES - KINDS_OF_TEST == set()


def test_every_folder_with_tests_is_a_package():
    """pytest imports each test by its package path, so two folders may both hold a
    test_pages.py."""
    folders = {p.parent for p in modules()}
    assert [str(f.relative_to(ROOT)) for f in folders if not (f / "__init__.py").exists()] == []


def test_every_helper_is_a_shared_kit_or_named_as_its_folders_kit():
    helpers = [p for p in modules()
               if not p.name.startswith("test_") and p.name not in ("__init__.py", "conftest.py")]
    misnamed = [str(p.relative_to(ROOT)) for p in helpers
                if folder_of(p) != "kits" and not is_kit_name(p.name)]
    assert misnamed == [], "a helper goes in tests/kits/ or is named kit.py or <topic>_kit.py"


def test_a_folders_modules_are_imported_from_that_folder_only():
    """Its kits, tests and conftest alike: anything another folder (or bench/) needs
    belongs in tests/kits/ (the root conftest's personas are everyone's)."""
    shared = {"kits", "conftest"}
    foreign = []
    for user in [*modules(), *(ROOT / "bench").rglob("*.py")]:
        own = folder_of(user) if user.is_relative_to(TESTS) else None
        foreign += [
            f"{user.relative_to(ROOT)} imports {name}" for name in imported_modules(user)
            if name.startswith("tests.") and name.split(".")[1] not in {own, *shared}
            and (TESTS / name.split(".")[1]).is_dir()
        ]
    assert sorted(foreign) == []
