from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "syncapp.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from syncapp.audit import signals  # noqa: F401, PLC0415 - connects the receivers
