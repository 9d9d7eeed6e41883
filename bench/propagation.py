"""The propagation phase: how long a change takes to reach the other side, through
webhooks and through polling alone.

It runs the propagation test (tests/inbound/test_propagation.py: a real Celery worker
and beat, Pipedrive's and HubSpot's sandboxes delivering webhooks to a live server,
the default poll interval) twice in a pytest of its own, edits each way one after the
other for each app:
- with real time on: `webhook_propagation_p95_s`, over BENCH_WEBHOOK_EDITS (default 5)
  edits each way per app;
- with INBOUND_REAL_TIME=false (webhooks recorded, no run started by them or by hub
  changes): `poll_propagation_p95_s`, over BENCH_POLL_EDITS (default 1) edits each way
  per app. Each of those waits for a poll, up to the interval (2 minutes), so the
  default keeps the phase near 10 minutes.
Each p95 is over every app and direction (per-app p95s are in the jsonl files, under
test-artifacts/). BENCH_SKIP=propagation skips the phase; it runs alone with
`python -m bench.propagation`.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/inbound/test_propagation.py"
MODES = (  # metric, edits setting and its default, environment
    ("webhook_propagation_p95_s", "BENCH_WEBHOOK_EDITS", 5, {}),
    ("poll_propagation_p95_s", "BENCH_POLL_EDITS", 1, {"INBOUND_REAL_TIME": "false"}),
)


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def measure(metrics: dict) -> None:
    from tests.kits import waits  # noqa: PLC0415 - needs the test extra

    for metric, setting, default, env in MODES:
        edits = int(os.environ.get(setting) or default)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "waits.jsonl"
            say(f"{metric}: {edits} edit(s) each way, Pipedrive and HubSpot")
            run = subprocess.run(  # noqa: S603 - our own interpreter and test
                [sys.executable, "-m", "syncapp.devstack", "test", "-q", "-p",
                 "no:cacheprovider", TEST], cwd=ROOT, check=False,
                env={**os.environ, **env, "PROPAGATION_EDITS": str(edits),
                     "PROPAGATION_WAITS": str(path)})
            if run.returncode != 0 or not path.exists():
                say(f"{metric}: the propagation test failed; not measured")
                continue
            seconds = waits.seconds(path)
        metrics[metric] = round(waits.p95(seconds), 2)
        metrics[metric.replace("_p95_s", "_edits")] = len(seconds)


def measure_unless_skipped(metrics: dict, skip: frozenset) -> None:
    """For bench/__main__.py: measure unless BENCH_SKIP names "propagation"."""
    if "propagation" not in skip:
        measure(metrics)


def main() -> int:
    metrics: dict = {}
    measure(metrics)
    for name, value in metrics.items():
        print(f"{name}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
