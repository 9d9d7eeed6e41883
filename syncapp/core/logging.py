"""Structured log lines: time, level, logger, message, then the context.

Context comes from `extra=` (object_sync_id, run_id, connection_id, …), so a line
of a run can be found by its ids with grep or any log tool. LOG_FORMAT chooses the
spelling: `key=value` pairs after the message (KeyValueFormatter, the default) or one
JSON object per line (JsonFormatter) for log stores that parse JSON.
"""

import json
import logging

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
LOG_FORMATS = ("keyvalue", "json")


def context_of(record: logging.LogRecord) -> dict:
    """The fields a caller passed in `extra=`."""
    return {k: v for k, v in vars(record).items()
            if k not in _STANDARD and not k.startswith("_")}


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = context_of(record)
        if not context:
            return line
        pairs = " ".join(f"{key}={json.dumps(value, default=str)}"
                         for key, value in sorted(context.items()))
        return f"{line} {pairs}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the context fields, and
    the traceback (`exc_info`) when there is one. A context field never replaces the
    four fixed ones."""

    def format(self, record: logging.LogRecord) -> str:
        fixed = {
            "time": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            fixed["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            fixed["exc_info"] = record.exc_text
        if record.stack_info:
            fixed["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps({**context_of(record), **fixed}, default=str)
