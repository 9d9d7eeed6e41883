"""Structured log lines: time, level, logger, message, then key=value context.

Context comes from `extra=` (object_sync_id, run_id, connection_id, …), so a line
of a run can be found by its ids with grep or any log tool.
"""

import json
import logging

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = {k: v for k, v in vars(record).items()
                   if k not in _STANDARD and not k.startswith("_")}
        if not context:
            return line
        pairs = " ".join(f"{key}={json.dumps(value, default=str)}"
                         for key, value in sorted(context.items()))
        return f"{line} {pairs}"
