from django.urls import path

from syncapp.integrations import dsn_views, sandboxes, views

app_name = "integrations"
urlpatterns = [
    path("marketplace/", views.marketplace, name="marketplace"),
    path("marketplace/<slug:app_key>/", views.listing, name="listing"),
    path("marketplace/<slug:app_key>/logo.svg", views.logo, name="logo"),
    path("marketplace/<slug:app_key>/install/", views.install, name="install"),
    path("integrations/", views.integrations_index, name="index"),
    path("integrations/<slug:app_key>/", views.app_page, name="app"),
    path("integrations/<slug:app_key>/oauth/callback/", views.oauth_callback,
         name="oauth_callback"),
    path("integrations/<slug:app_key>/connect/", dsn_views.connect_form, name="dsn_connect"),
    path("integrations/<slug:app_key>/accounts/<int:connection_id>/setup/",
         dsn_views.account_setup, name="account_setup"),
    path("integrations/<slug:app_key>/accounts/<int:connection_id>/setup/check/",
         dsn_views.check_deletes, name="check_deletes"),
    path("integrations/<slug:app_key>/accounts/<int:connection_id>/disconnect/",
         views.disconnect, name="disconnect"),
    path("integrations/<slug:app_key>/accounts/<int:connection_id>/api-budget/",
         views.api_budget, name="api_budget"),
    path("settings/import-export/", views.import_export, name="import_export"),
    path("import/new/", views.import_start, name="import_start"),
]

sandbox_urlpatterns = [
    path("sandbox/<slug:app_key>/", sandboxes.serve),
    path("sandbox/<slug:app_key>/<path:path>", sandboxes.serve, name="sandbox"),
]
