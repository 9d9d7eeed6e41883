"""The setup wizard (one URL per step) and an object sync's page and actions."""

from django.urls import path

from syncapp.syncs import config_views, undo_views, views
from syncapp.syncs.wizard import mapping_views
from syncapp.syncs.wizard import views as wizard

app_name = "syncs"
SYNC = "integrations/<slug:app_key>/sync/<int:sync_id>/"
SETUP = SYNC + "setup/"
ACCOUNT = "integrations/<slug:app_key>/accounts/<int:connection_id>/"

urlpatterns = [
    path("integrations/<slug:app_key>/sync/new/", wizard.choose, name="choose"),
    path(SETUP + "configure/", wizard.configure, name="configure"),
    path(SETUP + "mappings/", mapping_views.mappings, name="mappings"),
    path(SETUP + "mappings/add/", mapping_views.mapping_add, name="mapping_add"),
    path(SETUP + "mappings/remove/", mapping_views.mapping_remove, name="mapping_remove"),
    path(SETUP + "mappings/custom/", mapping_views.custom_mappings, name="custom_mappings"),
    path(SETUP + "limits/", wizard.limits, name="limits"),
    path(SETUP + "limits/<slug:side>/", wizard.filters, name="filters"),
    path(SETUP + "review/", wizard.review, name="review"),
    path(SETUP + "review/dry-run/", wizard.dry_run, name="dry_run"),
    path(SETUP + "save/", wizard.save, name="save"),
    path(SETUP + "discard/", wizard.discard, name="discard"),
    path(SYNC, views.detail, name="detail"),
    path(SYNC + "progress/", views.progress_panel, name="progress"),
    path(SYNC + "sync-now/", views.sync_now, name="sync_now"),
    path(SYNC + "turn-off/", views.turn_off, name="turn_off"),
    path(SYNC + "turn-on/", views.turn_on, name="turn_on"),
    path(SYNC + "delete/", views.delete, name="delete"),
    path(SYNC + "runs/<int:run_id>/undo/", undo_views.undo_run, name="undo"),
    path(SYNC + "runs/<int:run_id>/undo/status/", undo_views.undo_status, name="undo_status"),
    # Syncs as code (docs/sync-config.md).
    path(SYNC + "config/", config_views.export_sync, name="config_export"),
    path(ACCOUNT + "config/", config_views.export_connection, name="config_export_all"),
    path(ACCOUNT + "config/apply/", config_views.apply_config, name="config_apply"),
]
