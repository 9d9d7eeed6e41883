"""The `alerts:` key of a sync's config: the sync's own overrides of the portal's alert
rules (syncapp/alerts), by rule name.

The rules, their checks and where the overrides are kept are the alerts app's, which
sits above syncs: it registers them here when it loads (alerts/apps.py), so a config
reads and writes alert overrides without syncs importing alerts. This module only
turns a refusal into a place in the file.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from syncapp.syncs.config.errors import ConfigError


@dataclass(frozen=True)
class AlertOverrides:
    """How the alerts app reads, checks and writes a sync's overrides."""

    read: Callable[..., dict]  # (sync) -> the overrides, as the config export writes them
    validate: Callable[..., dict]  # (raw) -> cleaned; ValueError with a message if invalid
    write: Callable[..., dict]  # (sync, overrides, *, by=None) -> saved and audited


_registered: list[AlertOverrides] = []


def register(overrides: AlertOverrides) -> None:
    """The alerts app's AppConfig.ready hands its functions over (again on a reload)."""
    _registered[:] = [overrides]


def _alerts() -> AlertOverrides:
    if not _registered:
        raise ImproperlyConfigured("syncapp.alerts registers the alert overrides: "
                                   "it must be in INSTALLED_APPS")
    return _registered[0]


def export_alerts(sync) -> dict:
    """The sync's overrides of the portal's alert rules, by rule name."""
    return _alerts().read(sync)


def set_alerts(sync, overrides: dict, *, by=None) -> dict:
    """Replace the sync's overrides (audited by the alerts app, with the diff)."""
    return _alerts().write(sync, overrides, by=by)


def check_alerts(raw, path: str) -> dict | None:
    """A file's `alerts:` value, cleaned (None when the file leaves it out: the sync's
    overrides then stay as they are); ConfigError naming the place otherwise."""
    if raw is None:
        return None
    try:
        return _alerts().validate(raw)
    except ValueError as refused:
        raise ConfigError(path, str(refused)) from None
