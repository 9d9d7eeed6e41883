from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "syncapp.alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        # Evaluates a sync's alerts as soon as one of its runs ends (imported late).
        from syncapp.alerts import receivers  # noqa: F401, PLC0415
