"""How big the import graph is and how deep it goes, for a tree's closing note.

    .venv/bin/python bench/import_stats.py [ROOT]

ROOT is a checkout (default: this one), so one script measures any commit:
`git worktree add /tmp/before <commit>` then `bench/import_stats.py /tmp/before`.
Run it as a file, not with `-m`, so the packages measured are ROOT's, not this tree's.

The graph is grimp's (import-linter's library) over syncapp, connectors and bench,
every import counted as import-linter counts it (function-level and TYPE_CHECKING
imports too, migrations included). It prints:

- the number of modules (packages count as one module each, their `__init__`);
- the longest shortest import chain: of every pair (A, B) where A imports B
  through some chain, the pair whose shortest chain is longest, and that chain;
- the same from `syncapp.urls` alone (what a request's URL resolution pulls in).

A chain's length is its number of imports (A -> B is 1). Ties go to the first pair
in sorted order, so two runs over one tree print the same chain.
"""

import argparse
import importlib.util
import sys
from collections import deque
from pathlib import Path

import grimp

PACKAGES = ("syncapp", "connectors", "bench")
ENTRY = "syncapp.urls"

Graph = dict[str, list[str]]


def build(root: Path) -> Graph:
    """Each module of PACKAGES under `root`, with the modules it imports (sorted)."""
    sys.path.insert(0, str(root))
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        origin = Path(spec.origin if spec and spec.origin else "").resolve()
        if not origin.is_relative_to(root.resolve()):
            sys.exit(f"{name} resolves to {origin}, outside {root}: run this as a file")
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    return {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}


def farthest_from(graph: Graph, start: str) -> list[str]:
    """The longest of the shortest chains from `start` to each module it reaches."""
    parent: dict[str, str | None] = {start: None}
    queue = deque([start])
    last = start
    while queue:  # breadth first, so the last module reached is the farthest
        last = queue.popleft()
        for imported in graph[last]:
            if imported not in parent:
                parent[imported] = last
                queue.append(imported)
    chain = [last]
    while (step := parent[chain[-1]]) is not None:
        chain.append(step)
    return chain[::-1]


def longest_chain(graph: Graph) -> list[str]:
    longest: list[str] = []
    for module in graph:
        chain = farthest_from(graph, module)
        if len(chain) > len(longest):
            longest = chain
    return longest


def show(label: str, chain: list[str]) -> None:
    print(f"{label}: {len(chain) - 1} imports")
    print("  " + "\n  -> ".join(chain))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("root", nargs="?", type=Path,
                        default=Path(__file__).resolve().parent.parent)
    graph = build(parser.parse_args().root)
    modules = len(graph)
    migrations = sum(1 for m in graph if ".migrations." in m)
    print(f"modules: {modules} ({modules - migrations} without migrations)")
    print(f"imports: {sum(len(imported) for imported in graph.values())}")
    show("longest shortest chain", longest_chain(graph))
    show(f"longest shortest chain from {ENTRY}", farthest_from(graph, ENTRY))


if __name__ == "__main__":
    main()
