from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "syncapp.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Connects the beat signal and registers field__any_of; imported late because
        # they need the app registry.
        from syncapp.core import heartbeat, lookups  # noqa: F401, PLC0415
