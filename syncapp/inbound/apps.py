from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "syncapp.inbound"
    verbose_name = _("Inbound webhooks")

    def ready(self) -> None:
        from syncapp.crm.signals import records_changed  # noqa: PLC0415 - apps are loading
        from syncapp.inbound.hub import on_records_changed  # noqa: PLC0415
        from syncapp.inbound.receivers import on_run_ended  # noqa: PLC0415
        from syncapp.syncs.signals import run_ended  # noqa: PLC0415

        records_changed.connect(on_records_changed, dispatch_uid="inbound-hub-changes")
        run_ended.connect(on_run_ended, dispatch_uid="inbound-run-ended")
