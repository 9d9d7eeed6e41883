"""Finding connectors: every installed package may add one through an entry point.

    [project.entry-points."syncapp.connectors"]
    pipedrive = "connectors.pipedrive:PipedriveConnector"

Classes are imported lazily, on first use, so a broken plug-in does not stop the
product from starting; it is reported and left out.
"""

import importlib
import logging
from functools import cache
from importlib.metadata import entry_points

from connectors.sdk.connector import Connector

GROUP = "syncapp.connectors"
log = logging.getLogger(__name__)


def load(path: str):
    """Import "module:attribute"."""
    module_name, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


@cache
def connectors() -> dict[str, type[Connector]]:
    """Every connector class, keyed by its spec's key, in the order of their names."""
    found: dict[str, type[Connector]] = {}
    for entry in entry_points(group=GROUP):
        try:
            cls = entry.load()
        except Exception:
            log.exception("connector plug-in %s failed to load", entry.value)
            continue
        if not (isinstance(cls, type) and issubclass(cls, Connector)):
            log.error("connector plug-in %s is not a Connector subclass", entry.value)
            continue
        found[cls.spec.key] = cls
    return dict(sorted(found.items(), key=lambda item: item[1].spec.name.lower()))


def get(key: str) -> type[Connector]:
    try:
        return connectors()[key]
    except KeyError:
        raise LookupError(f"no connector named {key!r} is installed") from None
