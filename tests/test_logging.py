"""Log lines carry the run's ids, so one run can be followed through web and workers."""

import logging

from syncapp.core.logging import KeyValueFormatter


def test_extra_context_is_appended_as_key_value_pairs():
    formatter = KeyValueFormatter("%(levelname)s %(message)s")
    record = logging.LogRecord("syncapp.engine.runner", logging.INFO, __file__, 1,
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
