"""The `alerts:` key of a sync's config: the sync's own overrides of the portal's alert
rules (syncapp/alerts), by rule name. The rules and their checks live there; this
module only turns their refusal into a place in the file.
"""

from syncapp.alerts import rules
from syncapp.alerts.services import alert_overrides
from syncapp.syncs.config.errors import ConfigError


def export_alerts(sync) -> dict:
    """The sync's overrides of the portal's alert rules, by rule name."""
    return alert_overrides(sync)


def check_alerts(raw, path: str) -> dict | None:
    """A file's `alerts:` value, cleaned (None when the file leaves it out: the sync's
    overrides then stay as they are); ConfigError naming the place otherwise."""
    if raw is None:
        return None
    try:
        return rules.validate_overrides(raw)
    except ValueError as refused:
        raise ConfigError(path, str(refused)) from None
