from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "syncapp.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from syncapp.core import heartbeat  # noqa: F401  (connects the beat signal)
