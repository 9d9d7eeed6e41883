"""The API keys page; the API itself and its reference are wired in syncapp/urls.py."""

from django.urls import path

from syncapp.api import views

app_name = "apikeys"
urlpatterns = [
    path("api-keys/", views.key_list, name="list"),
    path("api-keys/create", views.create, name="create"),
    path("api-keys/<int:key_id>/revoke", views.revoke, name="revoke"),
]
