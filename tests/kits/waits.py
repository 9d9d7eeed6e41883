"""How long changes took to reach the other side: one JSON line per edit in
test-artifacts/waits.jsonl ({"app", "direction", "seconds"}), and their p95 per app and
direction (nearest rank), which the test session prints at its end."""

import json
import math
from collections import defaultdict
from pathlib import Path

ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "waits.jsonl"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]


def write(rows: list[dict], path: Path = ARTIFACT) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def seconds(path: Path = ARTIFACT) -> list[float]:
    """Every wait recorded in `path`."""
    return [float(json.loads(line)["seconds"]) for line in path.read_text().splitlines()]


def summary(path: Path = ARTIFACT) -> list[str]:
    """'p95 <app> <direction>: <s> s over <n> edits', one line per app and direction."""
    seconds: dict[tuple[str, str], list[float]] = defaultdict(list)
    for line in path.read_text().splitlines():
        row = json.loads(line)
        seconds[(row["app"], row["direction"])].append(float(row["seconds"]))
    return [f"p95 {app} {direction}: {p95(values):.2f} s over {len(values)} edits"
            for (app, direction), values in sorted(seconds.items())]
