"""Log lines carry the run's ids, so one run can be followed through web and workers."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from syncapp.core.logging import JsonFormatter, KeyValueFormatter

ROOT = Path(__file__).resolve().parents[2]


def test_extra_context_is_appended_as_key_value_pairs():
    formatter = KeyValueFormatter("%(levelname)s %(message)s")
    record = logging.LogRecord("syncapp.syncs.run.runner", logging.INFO, __file__, 1,
                               "run finished", (), None)
    record.object_sync_id = 7
    record.run_id = 42
    record.counts = {"read": 3}
    line = formatter.format(record)
    assert line.startswith("INFO run finished ")
    assert 'counts={"read": 3}' in line
    assert "object_sync_id=7" in line
    assert "run_id=42" in line


def test_plain_lines_stay_plain():
    formatter = KeyValueFormatter("%(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", (), None)
    assert formatter.format(record) == "hello"


def _start(**env) -> subprocess.CompletedProcess:
    """Start Django in a fresh interpreter with these variables, log one line of a run."""
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('syncapp.syncs.run.runner').info("
            "'run finished', extra={'object_sync_id': 7, 'run_id': 42, 'connection_id': 3})")
    values = {**os.environ, "DJANGO_SETTINGS_MODULE": "syncapp.settings.test", **env}
    return subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT, env=values,
                          capture_output=True, text=True, timeout=60)


def test_log_format_json_writes_one_json_object_per_line_with_the_ids():
    started = _start(LOG_FORMAT="json")
    assert started.returncode == 0, started.stderr
    (line,) = [json.loads(text) for text in started.stderr.splitlines() if "run finished" in text]
    assert line["message"] == "run finished"
    assert (line["level"], line["logger"]) == ("INFO", "syncapp.syncs.run.runner")
    assert (line["object_sync_id"], line["run_id"], line["connection_id"]) == (7, 42, 3)
    assert line["time"]


def test_key_value_lines_stay_the_default():
    started = _start()
    assert started.returncode == 0, started.stderr
    (line,) = [text for text in started.stderr.splitlines() if "run finished" in text]
    assert "INFO syncapp.syncs.run.runner run finished" in line
    assert "object_sync_id=7" in line


@pytest.mark.parametrize(("name", "value"), [
    ("LOG_FORMAT", "xml"),
    ("SENTRY_DSN", "not-a-dsn"),
])
def test_a_malformed_monitoring_setting_stops_start_up_naming_it(name, value):
    started = _start(**{name: value})
    assert started.returncode != 0
    assert name in started.stderr.strip().splitlines()[-1]


def test_json_lines_carry_the_traceback():
    formatter = JsonFormatter()
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (),
                                   sys.exc_info())
    record.run_id = 5
    line = json.loads(formatter.format(record))
    assert line["run_id"] == 5
    assert "ValueError: boom" in line["exc_info"]


def test_a_well_formed_sentry_dsn_starts():
    started = _start(SENTRY_DSN="http://publickey@127.0.0.1:9/1")
    assert started.returncode == 0, started.stderr
