"""Object syncs and their runs in the Django admin: read-only (see core.admin)."""

from django.contrib import admin

from syncapp.core.admin import ReadOnlyAdmin
from syncapp.syncs.models import ObjectSync, Run


@admin.register(ObjectSync)
class ObjectSyncAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "portal", "state", "last_success_at", "paused_until"]
    list_filter = ["state", "hub_object"]
    search_fields = ["app_object", "connection__account_name", "portal__name"]
    list_select_related = ["portal", "connection"]


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "portal", "object_sync", "kind", "status", "started_at",
                    "finished_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["portal", "object_sync__connection"]
    date_hierarchy = "started_at"
