"""Syncs as code: export a sync's settings as a YAML or JSON file, and apply one.

The small, stable API the pages, the command (`manage.py sync_config`) and the REST
API call; the format is docs/sync-config.md.

    doc = export_document(syncs)              # one ObjectSync, or several of one account
    text = dump(doc, "yaml")                  # or "json"
    doc = load(text, "yaml")                  # ConfigError(path, message)
    the_plan = plan(portal, connection, doc)  # ConfigPlan: per sync create/update/unchanged
    results = dry_runs(the_plan)              # by app object: the engine's dry run
    result = apply(the_plan, by=request)      # atomic; StalePlan if the syncs moved on
"""

from syncapp.syncs.config.applying import ApplyResult, apply
from syncapp.syncs.config.document import FORMATS, MAX_BYTES, VERSION, dump, format_of, load
from syncapp.syncs.config.dryrun import dry_runs
from syncapp.syncs.config.errors import ConfigError, StalePlan
from syncapp.syncs.config.export import export_document
from syncapp.syncs.config.planning import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ConfigPlan,
    FieldChange,
    SyncPlan,
    plan,
)

__all__ = [
    "CREATE", "FORMATS", "MAX_BYTES", "UNCHANGED", "UPDATE", "VERSION", "ApplyResult",
    "ConfigError", "ConfigPlan", "FieldChange", "StalePlan", "SyncPlan", "apply", "dry_runs",
    "dump", "export_document", "format_of", "load", "plan",
]
