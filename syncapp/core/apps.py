from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "syncapp.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Connects the beat signal; imported late because it needs the app registry.
        from syncapp.core import heartbeat  # noqa: F401, PLC0415
