"""No module imports itself back, through any chain: the import graph of syncapp,
connectors and bench has no cycle, so the layers docs/architecture.md describes hold
inside each app as well as between apps (pyproject's import contracts check those).

Imports count as import-linter counts them (grimp's graph): function-level and
TYPE_CHECKING imports too, so a cycle hidden inside a function still fails here.
Migrations are left out (Django loads them by name). Reads files only.
"""

from collections import deque

import grimp
import pytest

PACKAGES = ("syncapp", "connectors", "bench")

Imports = dict[str, set[str]]


def is_migration(module: str) -> bool:
    return ".migrations." in module or module.endswith(".migrations")


@pytest.fixture(scope="module")
def imports() -> Imports:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    kept = {m for m in graph.modules if not is_migration(m)}
    return {m: graph.find_modules_directly_imported_by(m) & kept for m in kept}


def components(imports: Imports) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(imports[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(imports):
        if module not in index:
            visit(module)
    return sorted(found)


def cycle_in(component: list[str], imports: Imports) -> list[str]:
    """One cycle through the component's first module, as a chain of imports."""
    members = set(component)
    start = component[0]
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for imported in sorted(imports[module] & members):
            if imported == start:
                chain = [module]
                while chain[-1] != start:
                    chain.append(came_from[chain[-1]])
                return [*chain[::-1], start]
            if imported not in came_from:
                came_from[imported] = module
                queue.append(imported)
    raise AssertionError(f"{component} is not a cycle")


def described(component: list[str], imports: Imports) -> str:
    """One cycle of the component, and every module it joins when there are more."""
    cycle = cycle_in(component, imports)
    text = " -> ".join(cycle)
    if len(component) > len(cycle) - 1:
        text += f"\n    (one of the cycles among: {', '.join(component)})"
    return text


def test_no_module_imports_itself_back(imports):
    cycles = [described(c, imports) for c in components(imports)]
    assert not cycles, "import cycles (break each at its right home):\n" + "\n".join(cycles)


def test_a_cycle_is_found_and_named_link_by_link():
    imports = {"a": {"b"}, "b": {"c", "d"}, "c": {"a"}, "d": set(), "e": {"a"}}
    assert components(imports) == [["a", "b", "c"]]
    assert cycle_in(["a", "b", "c"], imports) == ["a", "b", "c", "a"]
