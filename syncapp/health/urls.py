from django.urls import path

from syncapp.health.views import objects, records

app_name = "health"
base = "integrations/<slug:app_key>/"
urlpatterns = [
    path(base + "overview/", objects.overview, name="overview"),
    path(base + "syncs/<int:sync_id>/in-sync/", objects.in_sync, name="in_sync"),
    path(base + "syncs/<int:sync_id>/excluded/", objects.excluded, name="excluded"),
    path(base + "syncs/<int:sync_id>/failed/", objects.failed, name="failed"),
    path(base + "syncs/<int:sync_id>/failed/retry/", objects.retry, name="retry"),
    path(base + "syncs/<int:sync_id>/resync/", objects.resync, name="resync"),
    path(base + "jobs/<int:job_id>/", objects.job_status, name="job_status"),
    path(base + "links/<int:link_id>/history/", objects.history, name="history"),
    path(base + "records/", records.records, name="records"),
    path(base + "records/columns/", records.save_columns, name="columns"),
    path(base + "records/export/", records.export, name="export"),
    path(base + "records/restore/", records.restore, name="restore"),
    path(base + "exports/<int:export_id>/", records.export_status, name="export_status"),
    path(base + "exports/<int:export_id>/download/", records.export_download,
         name="export_download"),
]
