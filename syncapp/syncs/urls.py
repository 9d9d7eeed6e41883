"""The setup wizard (one URL per step) and an object sync's page and actions."""

from django.urls import path

from syncapp.syncs import config_views, review_views, undo_views, views
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
    # The mass-change breaker: a held run's review, and the thresholds.
    path(SYNC + "held/", review_views.held, name="held"),
    path(SYNC + "held/export.csv", review_views.held_export, name="held_export"),
    path(SYNC + "held/approve/", review_views.approve, name="held_approve"),
    path(SYNC + "held/discard/", review_views.discard, name="held_discard"),
    path(SYNC + "held/turn-off/", review_views.turn_off, name="held_turn_off"),
    path(SYNC + "thresholds/", review_views.thresholds, name="thresholds"),
    # Undo a run (syncs/run/undo.py).
    path(SYNC + "runs/<int:run_id>/undo/", undo_views.undo_run, name="undo"),
    path(SYNC + "runs/<int:run_id>/undo/status/", undo_views.undo_status, name="undo_status"),
    # Syncs as code (docs/sync-config.md).
    path(SYNC + "config/", config_views.export_sync, name="config_export"),
    path(ACCOUNT + "config/", config_views.export_connection, name="config_export_all"),
    path(ACCOUNT + "config/apply/", config_views.apply_config, name="config_apply"),
]
