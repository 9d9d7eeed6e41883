from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from syncapp.accounts.signals import portal_created


class CrmConfig(AppConfig):
    name = "syncapp.crm"
    verbose_name = _("CRM")

    def ready(self) -> None:
        from syncapp.crm.defaults import on_portal_created  # noqa: PLC0415 - models load after apps

        portal_created.connect(on_portal_created, dispatch_uid="crm-default-properties")
