"""The suite's markers hold: each has one rule saying which tests carry it (tests/README.md,
"Markers"), and this plugin, loaded by the root conftest, enforces it.

A marker only helps if `-m "not browser"` really leaves out every test that drives a
browser. So collection stops, naming the tests, when a test's markers and what it does
disagree; and a test that starts a worker process without the `worker` marker fails at
the moment it starts one (`require`).
"""

from pathlib import Path

import pytest

from tests.kits import soak

TESTS = Path(__file__).resolve().parents[1]
# The folders whose tests run the whole product as `make run` or compose starts it.
E2E_FOLDERS = ("e2e", "deployed")

_current: pytest.Item | None = None


def _uses_browser(item: pytest.Item) -> bool:
    return "browser" in getattr(item, "fixturenames", ())


def _in_e2e_folder(item: pytest.Item) -> bool:
    relative = Path(item.path).resolve().relative_to(TESTS)
    return relative.parts[0] in E2E_FOLDERS


def _sized_by_run(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    return module is not None and getattr(module, "by_run", None) is soak.by_run


def _has(item: pytest.Item, name: str) -> bool:
    return item.get_closest_marker(name) is not None


# marker -> (what a test carrying it does, the test that does it)
RULES = {
    "browser": ("uses the `browser` fixture", _uses_browser),
    "e2e": ("lives in tests/e2e or tests/deployed", _in_e2e_folder),
    "grows_in_soak": ("sizes itself with tests.kits.soak.by_run", _sized_by_run),
}


def broken_rules(item: pytest.Item) -> list[str]:
    """What is wrong with one test's markers, in words; empty when they hold."""
    problems = [
        f"{'carries' if _has(item, name) else 'lacks'} `{name}` but "
        f"{'does not' if _has(item, name) else 'does'}: {what}"
        for name, (what, does) in RULES.items()
        if _has(item, name) != does(item)
    ]
    if _has(item, "e2e") and not _has(item, "worker"):
        problems.append("carries `e2e` but not `worker`: the stack it starts runs a worker")
    if _has(item, "soak") and _has(item, "grows_in_soak"):
        problems.append("carries both `soak` and `grows_in_soak`: only `make soak` runs it, "
                        "so it has no smoke")
    return problems


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Before `-m` deselects anything, so a wrong marker cannot hide itself."""
    problems = [f"{item.nodeid}: {problem}" for item in items for problem in broken_rules(item)]
    if problems:
        raise pytest.UsageError("markers that do not hold (tests/README.md, \"Markers\"):\n"
                                + "\n".join(problems))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    global _current  # noqa: PLW0603 - the test being set up, for `require`
    _current = item


def require(marker: str, doing: str) -> None:
    """Fail the running test unless it carries `marker` (outside pytest, do nothing)."""
    if _current is not None and not _has(_current, marker):
        pytest.fail(f"{_current.nodeid} {doing} but lacks the `{marker}` marker "
                    "(tests/README.md, \"Markers\")", pytrace=False)
