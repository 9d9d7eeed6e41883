from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "syncapp.health"
    verbose_name = _("Sync health")
