from django.urls import path

from syncapp.integrations import sandboxes

sandbox_urlpatterns = [
    path("sandbox/<slug:app_key>/", sandboxes.serve),
    path("sandbox/<slug:app_key>/<path:path>", sandboxes.serve, name="sandbox"),
]
