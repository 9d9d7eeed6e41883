from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboundConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "syncapp.inbound"
    verbose_name = _("Inbound webhooks")

    def ready(self) -> None:
        from syncapp.crm.signals import records_changed  # noqa: PLC0415 - apps are loading
        from syncapp.inbound import receivers  # noqa: PLC0415
        from syncapp.inbound.hub import on_records_changed  # noqa: PLC0415
        from syncapp.integrations.signals import disconnecting  # noqa: PLC0415
        from syncapp.syncs import signals as syncs  # noqa: PLC0415

        records_changed.connect(on_records_changed, dispatch_uid="inbound-hub-changes")
        syncs.run_ended.connect(receivers.on_run_ended, dispatch_uid="inbound-run-ended")
        syncs.sync_turned_on.connect(receivers.on_sync_turned_on,
                                     dispatch_uid="inbound-sync-turned-on")
        syncs.sync_deleting.connect(receivers.on_sync_deleting,
                                    dispatch_uid="inbound-sync-deleting")
        disconnecting.connect(receivers.on_disconnecting, dispatch_uid="inbound-disconnecting")
