from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncsConfig(AppConfig):
    name = "syncapp.syncs"
    verbose_name = _("Syncs")
