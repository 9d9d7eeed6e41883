"""The `alerts:` key of a sync's config: per-sync overrides of the portal's alert rules.

Alert rules do not exist yet (a later item). The format reserves the key so files
written today stay valid; these two functions are the only hooks the alerts work
fills: `export_alerts` (what a sync's overrides are) and `check_alerts` (a file's
overrides, checked against the known rule names, or a ConfigError). Until then a
sync has none, and a file that names any is refused, whole.
"""

from django.utils.translation import gettext as _

from syncapp.syncs.config.errors import ConfigError


def export_alerts(sync) -> dict:
    """The sync's overrides of the portal's alert rules, by rule name (none yet)."""
    return {}


def check_alerts(raw, path: str) -> dict:
    """A file's `alerts:` value, checked; ConfigError when it names any rule (none exist)."""
    if raw:
        raise ConfigError(path, _("Alert rules are not available yet: leave “alerts” empty."))
    return {}
