from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "syncapp.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        # Models load after apps: what imports them is imported here, late.
        # `receivers` evaluates a sync's alerts as soon as one of its runs ends.
        from syncapp.alerts import receivers, rules, services  # noqa: F401, PLC0415
        from syncapp.syncs.config import alerts as sync_config  # noqa: PLC0415

        # A sync's config file carries its alert overrides (syncs/config/alerts.py).
        sync_config.register(sync_config.AlertOverrides(
            read=services.alert_overrides, validate=rules.validate_overrides,
            write=services.set_alert_overrides))
