from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "syncapp.health"
    verbose_name = _("Sync health")

    def ready(self) -> None:
        from syncapp.health.tallies import install_detail_function  # noqa: PLC0415 - models load after apps

        post_migrate.connect(install_detail_function, sender=self,
                             dispatch_uid="health-link-detail")
