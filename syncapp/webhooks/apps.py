from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "syncapp.webhooks"
    verbose_name = _("Outbound webhooks")

    def ready(self) -> None:
        # Turns finished runs and saved settings into events (imported late: models).
        from syncapp.webhooks import receivers  # noqa: F401, PLC0415
